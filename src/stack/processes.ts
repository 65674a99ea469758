import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { sleep } from './waiting.js';

/** Reads the first line of a pid file; undefined when the file is missing or does not start with a pid. */
export async function readPidFile(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number((text.split('\n')[0] ?? '').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function writePidFile(file: string, pid: number): Promise<void> {
  await writeFile(file, `${pid}\n`);
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(error) && error.code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * True when the process is alive and its command line contains `marker` (a data directory or config path),
 * so a recycled pid of an unrelated process is not mistaken for ours. Without /proc only liveness is checked.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isProcessAlive(pid)) return false;
  const cmdline = readProcFile(pid, 'cmdline');
  if (cmdline === undefined) return true;
  return cmdline.split('\0').some((arg) => arg.includes(marker));
}

/** True when the process is stopped by a signal (SIGSTOP), as `pauseKafka` leaves it. */
export function isProcessStopped(pid: number): boolean {
  return procState(pid) === 'T';
}

function isZombie(pid: number): boolean {
  return procState(pid) === 'Z';
}

/** The one-letter state from /proc/<pid>/stat (R, S, T, Z…); the command name in parentheses may hold spaces. */
function procState(pid: number): string | undefined {
  const stat = readProcFile(pid, 'stat');
  if (stat === undefined) return undefined;
  const afterName = stat.slice(stat.lastIndexOf(')') + 1).trim();
  return afterName.charAt(0) || undefined;
}

function readProcFile(pid: number, name: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ESRCH') return;
    throw error;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

/** SIGCONT (in case it was paused), SIGTERM, wait; SIGKILL if it is still there after `graceMs`. */
export async function terminateProcess(pid: number, graceMs: number, log: (message: string) => void): Promise<void> {
  if (!isProcessAlive(pid)) return;
  sendSignal(pid, 'SIGCONT');
  sendSignal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  log(`pid ${pid} still running ${Math.round(graceMs / 1000)}s after SIGTERM; sending SIGKILL`);
  sendSignal(pid, 'SIGKILL');
  await waitForExit(pid, 10_000);
}

export interface DetachedSpawn {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a long-running server in its own process group, output appended to `logFile`; it outlives this process. */
export function spawnDetached(spec: DetachedSpawn): Promise<number> {
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    return new Promise((resolvePid, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        if (child.pid === undefined) reject(new Error(`${spec.command} started without a pid`));
        else resolvePid(child.pid);
      });
    });
  } finally {
    closeSync(fd);
  }
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The last ~64 KiB of stdout and stderr, interleaved. */
  output: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Runs a short-lived command to completion, capturing its output. Never rejects on a non-zero exit. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so a Ctrl-C meant for the CLI does not reach a half-done initdb.
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\n[killed after ${options.timeoutMs} ms]`;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolveResult({ exitCode, signal, output });
    });
  });
}

export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
