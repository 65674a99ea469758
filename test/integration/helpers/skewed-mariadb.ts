import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { withLogTails } from '../../../src/stack/log-tail.js';
import { installDbArgs, mariadbBootstrapStatements, mariadbdArgs, mariadbPaths, type MariadbPaths } from '../../../src/stack/mariadb-config.js';
import { isProcessAlive, runCommand, sendSignal, spawnDetached, terminateProcess, waitForExit } from '../../../src/stack/processes.js';
import { mysqlAnswers } from '../../../src/stack/readiness.js';
import { STACK_DATABASE, STACK_PASSWORD, STACK_USER } from '../../../src/stack/settings.js';
import { requireTool } from '../../../src/stack/tools.js';
import { waitUntil } from '../../../src/stack/waiting.js';
import { ensureLibfaketime } from './faketime.js';

export interface SkewedMariadbOptions {
  /** Names the temp dir and the log lines; letters, digits, '-' and '_' are kept. */
  name: string;
  /** Initial offset of the server's wall clock from the real one, in seconds (e.g. 2 or -2). */
  skewSeconds: number;
  /**
   * The server's server_id (so the server part of its GTIDs). Defaults to a number derived from `name`,
   * never 1 (the stack's MariaDB), so two servers' GTIDs tell them apart.
   */
  serverId?: number;
}

export interface SkewedMariadb {
  /** mysql://tandem:tandem@127.0.0.1:<port>/tandem */
  readonly url: string;
  readonly port: number;
  readonly serverId: number;
  /** Holds the data dir, socket, pid file, error log (mariadb/mariadb.log) and the faketime offset file. */
  readonly dir: string;
  /** Current offset in seconds, as last written. */
  readonly skewSeconds: number;
  /** Changes the offset of the running (or next) server; NOW(), UTC_TIMESTAMP() etc. follow within ~1 s. */
  setSkew(seconds: number): Promise<void>;
  /** SIGKILL, no shutdown: what a crash looks like. Waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data dir and port (after kill(), or a stop of its own). */
  start(): Promise<void>;
  /** Clean shutdown (SIGTERM), then the whole temp dir is removed. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

/**
 * Servers run detached (own process group), so a test process that dies before stop() would leave them
 * behind: on exit, whatever is still running is killed (its temp dir stays, under os.tmpdir()).
 */
const liveServers = new Set<number>();
process.once('exit', () => {
  for (const pid of liveServers) {
    sendSignal(pid, 'SIGKILL');
    rmSync(`/dev/shm/faketime_shm_${pid}`, { force: true });
    rmSync(`/dev/shm/sem.faketime_sem_${pid}`, { force: true });
  }
});

/**
 * A private MariaDB (the Debian mariadbd the stack uses, with the stack's replication settings from
 * src/stack/mariadb-config.ts: ROW binlog, full row images and metadata, strict GTIDs, UTC) whose wall clock
 * runs `skewSeconds` off the machine's, through libfaketime. The offset lives in a file that libfaketime
 * re-reads (FAKETIME_TIMESTAMP_FILE + FAKETIME_NO_CACHE), so setSkew() moves the clock of the running server.
 * Monotonic clocks are left alone (DONT_FAKE_MONOTONIC), so the server's timeouts and waits are unaffected.
 * It has the stack's `tandem`/`tandem` account and `tandem` database, on a free port; data in a temp dir.
 */
export async function startSkewedMariadb(options: SkewedMariadbOptions): Promise<SkewedMariadb> {
  const libfaketime = await ensureLibfaketime();
  const name = options.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32) || 'skewed';
  // Short, under the temp dir: the socket path inside must stay under ~107 bytes.
  const dir = await mkdtemp(path.join(tmpdir(), `tandem-skewed-${name}-`));
  const server = new SkewedMariadbServer(name, dir, libfaketime, await freePort(), options);
  try {
    await server.initialize();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
  return server;
}

class SkewedMariadbServer implements SkewedMariadb {
  readonly url: string;
  readonly port: number;
  readonly serverId: number;
  readonly dir: string;
  #skew: number;
  #pid: number | undefined;
  readonly #name: string;
  readonly #libfaketime: string;
  readonly #paths: MariadbPaths;
  readonly #offsetFile: string;

  constructor(name: string, dir: string, libfaketime: string, port: number, options: SkewedMariadbOptions) {
    this.#name = name;
    this.dir = dir;
    this.#libfaketime = libfaketime;
    this.#skew = checkedSkew(options.skewSeconds);
    this.port = port;
    this.serverId = options.serverId ?? serverIdFor(name);
    this.url = `mysql://${STACK_USER}:${STACK_PASSWORD}@127.0.0.1:${port}/${STACK_DATABASE}`;
    this.#paths = mariadbPaths(dir);
    this.#offsetFile = path.join(dir, 'faketime.rc');
  }

  get skewSeconds(): number {
    return this.#skew;
  }

  /** Writes the offset file and runs mariadb-install-db (the stack's arguments). */
  async initialize(): Promise<void> {
    await mkdir(this.#paths.dataDir, { recursive: true });
    await this.#writeOffset();
    const result = await runCommand(requireTool('mariadbInstallDb'), installDbArgs(this.#paths), {
      cwd: this.#paths.dir,
      timeoutMs: 120_000,
    });
    await writeFile(this.#paths.installLogFile, result.output);
    if (result.exitCode !== 0) {
      throw new Error(
        await withLogTails(`mariadb-install-db for skewed MariaDB '${this.#name}' failed (exit ${result.exitCode}).`, [this.#paths.installLogFile]),
      );
    }
  }

  async setSkew(seconds: number): Promise<void> {
    this.#skew = checkedSkew(seconds);
    await this.#writeOffset();
  }

  async start(): Promise<void> {
    if (this.#pid !== undefined && isProcessAlive(this.#pid)) throw new Error(`skewed MariaDB '${this.#name}' already runs (pid ${this.#pid})`);
    await rm(this.#paths.pidFile, { force: true });
    await rm(this.#paths.socketFile, { force: true });
    const pid = await spawnDetached({
      command: requireTool('mariadbd'),
      // A later --server-id wins over the stack's --server-id=1.
      args: [...mariadbdArgs(this.#paths, this.port), `--server-id=${this.serverId}`],
      cwd: this.#paths.dir,
      logFile: this.#paths.logFile,
      env: this.#faketimeEnv(),
    });
    this.#pid = pid;
    liveServers.add(pid);
    const ready = await waitUntil(() => this.#answersOnSocket(), {
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: 200,
      giveUpWhen: () => (isProcessAlive(pid) ? undefined : `mariadbd (pid ${pid}) exited during startup`),
    });
    if (!ready.ready) {
      await terminateProcess(pid, 10_000, () => undefined);
      await removeFaketimeShm(pid);
      liveServers.delete(pid);
      this.#pid = undefined;
      throw new Error(await withLogTails(`skewed MariaDB '${this.#name}' did not start: ${ready.reason}.`, [this.#paths.logFile]));
    }
    await this.#bootstrap();
  }

  async kill(): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    sendSignal(pid, 'SIGKILL');
    if (!(await waitForExit(pid, 10_000))) throw new Error(`skewed MariaDB '${this.#name}' (pid ${pid}) survived SIGKILL for 10 s`);
    this.#pid = undefined;
    liveServers.delete(pid);
    await removeFaketimeShm(pid);
  }

  async stop(): Promise<void> {
    const pid = this.#pid;
    if (pid !== undefined) {
      await terminateProcess(pid, STOP_GRACE_MS, () => undefined);
      await removeFaketimeShm(pid);
      liveServers.delete(pid);
    }
    this.#pid = undefined;
    await rm(this.dir, { recursive: true, force: true });
  }

  #faketimeEnv(): NodeJS.ProcessEnv {
    const preload = [this.#libfaketime, process.env['LD_PRELOAD']].filter((entry) => entry !== undefined && entry !== '').join(':');
    return {
      ...process.env,
      LD_PRELOAD: preload,
      FAKETIME_TIMESTAMP_FILE: this.#offsetFile,
      // Re-read the offset file on every clock read, so setSkew() applies at once.
      FAKETIME_NO_CACHE: '1',
      // Only the wall clock moves: timeouts, sleeps and condition waits run on the real monotonic clock.
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
      DONT_FAKE_MONOTONIC: '1',
      // A FAKETIME in the environment would win over the file.
      FAKETIME: undefined,
    };
  }

  /** Written to a temp file and renamed over: libfaketime must never read a half-written (unparsable) file. */
  async #writeOffset(): Promise<void> {
    const temp = `${this.#offsetFile}.${process.pid}.tmp`;
    await writeFile(temp, `${formatOffset(this.#skew)}\n`);
    await rename(temp, this.#offsetFile);
  }

  #answersOnSocket(): Promise<boolean> {
    return mysqlAnswers({ socketPath: this.#paths.socketFile, user: 'root', password: '' }, 2000);
  }

  /** The stack's own bootstrap: `tandem` accounts with its privileges and the `tandem` database, out of the binlog. */
  async #bootstrap(): Promise<void> {
    const admin = await mysql.createConnection({ socketPath: this.#paths.socketFile, user: 'root', password: '' });
    try {
      for (const statement of mariadbBootstrapStatements(STACK_USER, STACK_PASSWORD, STACK_DATABASE)) await admin.query(statement);
    } finally {
      await admin.end();
    }
    if (!(await mysqlAnswers({ url: this.url }))) {
      throw new Error(await withLogTails(`skewed MariaDB '${this.#name}' runs but ${this.url} does not accept a password login.`, [this.#paths.logFile]));
    }
  }
}

/**
 * libfaketime makes a POSIX shared memory object and semaphore named after the pid of each process it is
 * preloaded into and removes them only on a normal exit, which mariadbd never does (and SIGKILL cannot).
 * Left behind, they break the next libfaketime process that gets the same pid ("shm_open failed: File exists").
 */
async function removeFaketimeShm(pid: number): Promise<void> {
  await rm(`/dev/shm/faketime_shm_${pid}`, { force: true });
  await rm(`/dev/shm/sem.faketime_sem_${pid}`, { force: true });
}

/** libfaketime's relative offset syntax: '+2s', '-2s', '+0.5s'. */
export function formatOffset(seconds: number): string {
  return `${seconds < 0 ? '-' : '+'}${Math.abs(seconds)}s`;
}

function checkedSkew(seconds: number): number {
  if (!Number.isFinite(seconds)) throw new Error(`clock skew must be a finite number of seconds, not ${seconds}`);
  return seconds;
}

/** 2..1_000_001, stable for a name. */
function serverIdFor(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 2 + (hash % 1_000_000);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
