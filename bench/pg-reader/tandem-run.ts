import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { validateConfig } from '../../src/config/load.js';
import { parseLsn } from '../../src/postgres/pgoutput/lsn.js';
import { PROJECT_ROOT } from '../framework/results.js';
import type { BenchFixture } from './fixture.js';
import { machineBusySeconds, ProcessSampler } from './proc-stats.js';
import { VARIANT_ACTIVE_MESSAGE } from './variants/names.js';

export interface TandemRunOptions {
  /** Done once the reader's slot has confirmed a position beyond this LSN (see WriteOutcome). */
  beyondLsn: string;
  /** Write a V8 CPU profile of the reader process into this directory. */
  cpuProfileDir?: string;
  /** Diagnostic variants (bench/pg-reader/variants/hooks.ts) to load into the reader. */
  variants?: string[];
  /** Extra node flags for the reader process. */
  nodeOptions?: string[];
  /** Other processes whose CPU time to record over the run (name → pid), e.g. the Kafka broker. */
  watch?: Record<string, number>;
  timeoutMs?: number;
}

export interface TandemRun {
  /** From spawning `tandem run` until the slot confirmed the last transaction (so Kafka had committed it). */
  seconds: number;
  /** From spawn until the reader logged "postgres reader starting" (node + tsx start, config, Kafka/PG setup). */
  startupSeconds: number;
  /** From "postgres reader starting" until done: the catch-up itself. */
  streamingSeconds: number;
  peakRssBytes: number;
  medianRssBytes: number;
  readerCpuSeconds: number | undefined;
  walsenderCpuSeconds: number | undefined;
  otherCpuSeconds: Record<string, number | undefined>;
  /** CPU seconds the whole machine used during the run (all processes, all cores). */
  machineBusyCpuSeconds: number | undefined;
  cpuProfile: string | undefined;
  /** The counters the reader logged when it stopped ("postgres reader stopped"). */
  readerStats: { eventsPublished?: number; transactionsPublished?: number; kafkaCommits?: number } | undefined;
  /** How often the reader started ("postgres reader starting"): more than 1 means the supervisor restarted it. */
  readerStarts: number;
  /** The first warnings and errors the reader logged (message and error text). */
  readerWarnings: string[];
  /** The reader's whole stderr (JSON log lines), relative to the project. */
  logFile: string;
}

/** Runs the reader as a child process (`tandem run` with a generated config, reader settings at their defaults). */
export async function runTandem(fixture: BenchFixture, options: TandemRunOptions): Promise<TandemRun> {
  const configFile = await writeConfig(fixture);
  const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const variants = options.variants ?? [];
  const variantArgs = variants.length ? ['--import', './bench/pg-reader/variants/hooks.ts'] : [];
  if (options.cpuProfileDir) await mkdir(options.cpuProfileDir, { recursive: true });
  const profilesBefore = options.cpuProfileDir ? new Set(await readdir(options.cpuProfileDir)) : new Set<string>();
  const beyond = parseLsn(options.beyondLsn);

  const machineBusyAtStart = machineBusySeconds();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const child = spawn(process.execPath, [...nodeArgs, ...(options.nodeOptions ?? []), '--import', 'tsx', ...variantArgs, 'src/cli/main.ts', 'run', '--config', configFile], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TANDEM_LOG_LEVEL: 'info', TANDEM_BENCH_VARIANTS: variants.join(',') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const sampler = new ProcessSampler(child.pid!, 100);
  const others = Object.fromEntries(Object.entries(options.watch ?? {}).map(([name, pid]) => [name, new ProcessSampler(pid, 1000)]));
  let walsender: ProcessSampler | undefined;
  let startupSeconds: number | undefined;
  let readerStats: TandemRun['readerStats'];
  const variantsSeen = new Set<string>();
  let readerStarts = 0;
  const readerWarnings: string[] = [];
  const logFile = path.join(PROJECT_ROOT, '.tandem', 'bench', `${fixture.id}.log`);
  const log = createWriteStream(logFile);
  let stderr = '';
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    const text = chunk.toString();
    stderr = (stderr + text).slice(-20_000);
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.includes('"postgres reader starting"')) {
        readerStarts++;
        startupSeconds ??= elapsed();
      }
      noteWarning(line, readerWarnings);
      if (line.includes(VARIANT_ACTIVE_MESSAGE)) variantsSeen.add((JSON.parse(line) as { variant: string }).variant);
      if (line.includes('"postgres reader stopped"')) {
        try {
          const { eventsPublished, transactionsPublished, kafkaCommits } = JSON.parse(line) as NonNullable<TandemRun['readerStats']>;
          readerStats = { eventsPublished, transactionsPublished, kafkaCommits };
        } catch {
          // not JSON: leave the stats unknown
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  let childExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (childExit = e));

  let seconds: number;
  let machineBusy = NaN;
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    for (;;) {
      if (childExit) throw new Error(`tandem run exited early (${childExit.code ?? childExit.signal}):\n${stderr.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`the reader did not catch up within ${(options.timeoutMs ?? 1_800_000) / 1000} s:\n${stderr.slice(-4000)}`);
      if (startupSeconds !== undefined && variants.some((v) => !variantsSeen.has(v))) {
        throw new Error(`variant(s) ${variants.filter((v) => !variantsSeen.has(v)).join(', ')} did not take effect in the reader`);
      }
      const lsn = await fixture.confirmedFlushLsn(fixture.readerSlot);
      if (lsn && parseLsn(lsn) > beyond) {
        seconds = elapsed();
        machineBusy = (machineBusySeconds() ?? NaN) - (machineBusyAtStart ?? NaN);
        break;
      }
      if (!walsender) {
        const pid = await fixture.walsenderPid(fixture.readerSlot);
        if (pid) walsender = new ProcessSampler(pid, 250);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    await stopChild(child, exited);
    log.end();
    throw error;
  } finally {
    sampler.stop();
    walsender?.stop();
    for (const s of Object.values(others)) s.stop();
  }
  await stopChild(child, exited);
  await new Promise((resolve) => log.end(resolve));
  await rm(configFile, { force: true });

  let cpuProfile: string | undefined;
  if (options.cpuProfileDir) {
    const created = (await readdir(options.cpuProfileDir)).filter((f) => f.endsWith('.cpuprofile') && !profilesBefore.has(f));
    cpuProfile = created[0] ? path.join(options.cpuProfileDir, created[0]) : undefined;
  }
  const start = startupSeconds ?? 0;
  return {
    seconds,
    startupSeconds: start,
    streamingSeconds: seconds - start,
    peakRssBytes: sampler.peakRss,
    medianRssBytes: sampler.medianRss,
    readerCpuSeconds: sampler.cpuUsed,
    walsenderCpuSeconds: walsender?.cpuUsed,
    otherCpuSeconds: Object.fromEntries(Object.entries(others).map(([name, s]) => [name, s.cpuUsed])),
    machineBusyCpuSeconds: Number.isNaN(machineBusy) ? undefined : machineBusy,
    cpuProfile,
    readerStats,
    readerStarts,
    readerWarnings,
    logFile: path.relative(PROJECT_ROOT, logFile),
  };
}

/** Keeps the first 10 warn/error lines (pino level >= 40) as "message: error". */
function noteWarning(line: string, into: string[]): void {
  if (into.length >= 10 || !line.startsWith('{')) return;
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    if ((entry.level ?? 0) >= 40) into.push(entry.err?.message ? `${entry.msg}: ${entry.err.message}` : String(entry.msg));
  } catch {
    // not a log line
  }
}

async function writeConfig(fixture: BenchFixture): Promise<string> {
  const config = validateConfig({
    kafka: { brokers: fixture.kafkaBrokers, topicPrefix: fixture.topicPrefix },
    nodes: [
      {
        name: fixture.node,
        engine: 'postgres',
        connection: { url: fixture.pgUrl },
        tables: [fixture.table],
        postgres: { slot: fixture.readerSlot, publication: fixture.publication },
      },
    ],
    log: { level: 'info' },
  });
  const file = path.join(PROJECT_ROOT, '.tandem', 'bench', `${fixture.id}.yaml`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, toYaml(config));
  return file;
}

/** SIGTERM (the reader finishes its batch and exits, writing the CPU profile), SIGKILL after 30 s. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
