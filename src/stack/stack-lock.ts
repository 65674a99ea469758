import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, TandemError } from '../errors.js';
import { isErrnoException, isProcessAlive } from './processes.js';
import type { ProgressLog } from './settings.js';
import { sleep } from './waiting.js';

const LOCK_WAIT_MS = 15 * 60_000;

/**
 * Runs `action` holding `<stackDir>/stack.lock`, so two `stack up` (say, two vitest runs) never initialize the
 * same data directories at once. A lock left by a dead process is taken over.
 */
export async function withStackLock<T>(stackDir: string, log: ProgressLog, action: () => Promise<T>): Promise<T> {
  await mkdir(stackDir, { recursive: true });
  const lockFile = join(stackDir, 'stack.lock');
  await acquire(lockFile, log);
  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function acquire(lockFile: string, log: ProgressLog): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    if (await createLockFile(lockFile)) return;
    const content = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (content === undefined) continue; // released in the meantime: try again
    const holder = Number(content.trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isProcessAlive(holder)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new TandemError(
        ErrorCodes.STACK_START_FAILED,
        `Another tandem process (pid ${holder}) holds ${lockFile}. Wait for it, or remove the file if that process is gone.`,
      );
    }
    if (!announced) {
      log(`waiting for another tandem process (pid ${holder}) that is starting or stopping the stack`);
      announced = true;
    }
    await sleep(500);
  }
}

/**
 * Writes our pid to a private file, then hard-links it to the lock name: link() fails atomically when the lock
 * exists, and a lock file is never seen half-written (empty), which would look like a dead holder.
 */
async function createLockFile(lockFile: string): Promise<boolean> {
  const candidate = `${lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(candidate, `${process.pid}\n`);
  try {
    await link(candidate, lockFile);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(candidate, { force: true });
  }
}
