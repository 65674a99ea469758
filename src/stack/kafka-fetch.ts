import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, TandemError } from '../errors.js';
import { withLogTails } from './log-tail.js';
import { renderKafkaFetchPom } from './kafka-config.js';
import { runCommand } from './processes.js';
import { KAFKA_VERSION, type ProgressLog } from './settings.js';
import { requireTool } from './tools.js';

const COMPLETE_MARKER = '.complete';
const FETCH_TIMEOUT_MS = 30 * 60_000;
const HEARTBEAT_MS = 15_000;

/**
 * Ensures `<cacheDir>/libs` holds the Kafka server jars, fetching them once from Maven Central with
 * `mvn dependency:copy-dependencies`. The jars are copied to a scratch directory and renamed into place, so an
 * interrupted fetch never leaves a half-filled `libs` behind. Returns the libs directory.
 */
export async function ensureKafkaLibs(cacheDir: string, fetchLogFile: string, log: ProgressLog): Promise<string> {
  const libsDir = join(cacheDir, 'libs');
  if (existsSync(join(libsDir, COMPLETE_MARKER))) return libsDir;

  const mvn = requireTool('mvn');
  await mkdir(cacheDir, { recursive: true });
  await writeFile(join(cacheDir, 'pom.xml'), renderKafkaFetchPom());
  const scratch = `libs.partial-${process.pid}`;
  await rm(join(cacheDir, scratch), { recursive: true, force: true });

  log(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${cacheDir} (first run only; may take a few minutes)`);
  const started = Date.now();
  const heartbeat = setInterval(() => {
    log(`  still fetching Kafka jars… ${Math.round((Date.now() - started) / 1000)}s`);
  }, HEARTBEAT_MS);
  let result;
  try {
    result = await runCommand(mvn, ['-B', '-q', 'dependency:copy-dependencies', `-DoutputDirectory=${scratch}`], {
      cwd: cacheDir,
      timeoutMs: FETCH_TIMEOUT_MS,
    });
  } finally {
    clearInterval(heartbeat);
  }
  await writeFile(fetchLogFile, result.output);
  const jars = await jarCount(join(cacheDir, scratch));
  if (result.exitCode !== 0 || jars === 0) {
    await rm(join(cacheDir, scratch), { recursive: true, force: true });
    throw new TandemError(
      ErrorCodes.STACK_START_FAILED,
      await withLogTails(
        `Fetching Kafka ${KAFKA_VERSION} with Maven failed (exit ${result.exitCode}, ${jars} jars). ` +
          'Maven Central must be reachable (check proxy settings in ~/.m2/settings.xml).',
        [fetchLogFile],
      ),
    );
  }
  await writeFile(join(cacheDir, scratch, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  await moveIntoPlace(join(cacheDir, scratch), libsDir);
  log(`fetched ${jars} Kafka jars in ${Math.round((Date.now() - started) / 1000)}s`);
  return libsDir;
}

/** Renames the finished scratch dir to `libs`; if another process finished first, keeps theirs. */
async function moveIntoPlace(scratchDir: string, libsDir: string): Promise<void> {
  if (!existsSync(join(libsDir, COMPLETE_MARKER))) {
    await rm(libsDir, { recursive: true, force: true });
    try {
      await rename(scratchDir, libsDir);
      return;
    } catch (error) {
      if (!existsSync(join(libsDir, COMPLETE_MARKER))) throw error;
    }
  }
  await rm(scratchDir, { recursive: true, force: true });
}

async function jarCount(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.jar')).length;
  } catch {
    return 0;
  }
}
