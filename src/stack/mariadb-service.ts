import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import { ErrorCodes, TandemError } from '../errors.js';
import { withLogTails } from './log-tail.js';
import { installDbArgs, mariadbBootstrapStatements, mariadbdArgs, mariadbPaths, type MariadbPaths } from './mariadb-config.js';
import { assertPortFree } from './port-guard.js';
import {
  isOurProcess,
  isProcessAlive,
  readPidFile,
  runCommand,
  spawnDetached,
  terminateProcess,
} from './processes.js';
import { mysqlAnswers } from './readiness.js';
import { localServiceStatus, type ServiceStatus, type StackService, type StartOutcome } from './service.js';
import { STACK_DATABASE, STACK_PASSWORD, STACK_USER, type ProgressLog, type StackSettings } from './settings.js';
import { stackEnvFor } from './stack-env.js';
import { requireTool } from './tools.js';
import { waitUntil } from './waiting.js';

const STOP_GRACE_MS = 60_000;
const START_TIMEOUT_MS = 120_000;

/** MariaDB from the Debian server package, own datadir/socket/pid file, no /etc/mysql config, run as root. */
export class LocalMariadb implements StackService {
  readonly name = 'mariadb' as const;
  readonly paths: MariadbPaths;
  readonly #settings: StackSettings;
  readonly #log: ProgressLog;

  constructor(settings: StackSettings, log: ProgressLog) {
    this.#settings = settings;
    this.#log = log;
    this.paths = mariadbPaths(settings.stackDir);
  }

  get #url(): string {
    return stackEnvFor(this.#settings).mysqlUrl;
  }

  async ensureRunning(): Promise<StartOutcome> {
    const running = await this.#runningPid();
    if (running !== undefined) {
      const answering = await waitUntil(() => this.#answersOnSocket(), { timeoutMs: 15_000 });
      if (answering.ready) {
        await this.#bootstrap();
        return 'reused';
      }
      this.#log(`mariadb (pid ${running}) runs but does not answer; restarting it`);
      await this.stop();
    }
    await assertPortFree(this.#settings.ports.mariadb, 'MariaDB', 'TANDEM_STACK_MYSQL_PORT');
    const mariadbd = requireTool('mariadbd');
    await this.#initializeIfNeeded();
    await rm(this.paths.pidFile, { force: true });
    await rm(this.paths.socketFile, { force: true });
    this.#log(`starting MariaDB on 127.0.0.1:${this.#settings.ports.mariadb}`);
    const pid = await spawnDetached({
      command: mariadbd,
      args: mariadbdArgs(this.paths, this.#settings.ports.mariadb),
      cwd: this.paths.dir,
      logFile: this.paths.logFile,
    });
    const ready = await waitUntil(() => this.#answersOnSocket(), {
      timeoutMs: START_TIMEOUT_MS,
      giveUpWhen: () => (isProcessAlive(pid) ? undefined : `mariadbd (pid ${pid}) exited during startup`),
    });
    if (!ready.ready) {
      await terminateProcess(pid, 10_000, this.#log);
      throw await this.#startFailure(`MariaDB did not start: ${ready.reason}.`);
    }
    await this.#bootstrap();
    return 'started';
  }

  async stop(): Promise<void> {
    const pid = await this.#runningPid();
    if (pid === undefined) return;
    this.#log(`stopping MariaDB (pid ${pid})`);
    await terminateProcess(pid, STOP_GRACE_MS, this.#log);
  }

  async status(): Promise<ServiceStatus> {
    return localServiceStatus({ name: this.name, port: this.#settings.ports.mariadb, url: this.#url }, await this.#runningPid(), () => this.#answersOnSocket());
  }



  async #runningPid(): Promise<number | undefined> {
    const pid = await readPidFile(this.paths.pidFile);
    return pid !== undefined && isOurProcess(pid, this.paths.dataDir) ? pid : undefined;
  }

  #answersOnSocket(): Promise<boolean> {
    return mysqlAnswers({ socketPath: this.paths.socketFile, user: 'root', password: '' });
  }

  async #initializeIfNeeded(): Promise<void> {
    if (existsSync(this.paths.initializedMarker) && existsSync(this.paths.dataDir)) return;
    const installDb = requireTool('mariadbInstallDb');
    this.#log(`initializing a MariaDB data directory in ${this.paths.dataDir}`);
    await rm(this.paths.dataDir, { recursive: true, force: true });
    await mkdir(this.paths.dataDir, { recursive: true });
    const result = await runCommand(installDb, installDbArgs(this.paths), { cwd: this.paths.dir, timeoutMs: 180_000 });
    await writeFile(this.paths.installLogFile, result.output);
    if (result.exitCode !== 0) {
      throw new TandemError(
        ErrorCodes.STACK_START_FAILED,
        await withLogTails(`mariadb-install-db failed (exit ${result.exitCode}).`, [this.paths.installLogFile]),
      );
    }
    await writeFile(this.paths.initializedMarker, `${new Date().toISOString()}\n`);
  }

  /** Creates the `tandem` accounts and database if missing, then proves a password login over TCP works. */
  async #bootstrap(): Promise<void> {
    const admin = await mysql.createConnection({ socketPath: this.paths.socketFile, user: 'root', password: '' });
    try {
      for (const statement of mariadbBootstrapStatements(STACK_USER, STACK_PASSWORD, STACK_DATABASE)) {
        await admin.query(statement);
      }
    } finally {
      await admin.end();
    }
    if (!(await mysqlAnswers({ url: this.#url }))) {
      throw await this.#startFailure(`MariaDB runs but ${this.#url} does not accept a password login.`);
    }
  }

  async #startFailure(message: string): Promise<TandemError> {
    return new TandemError(ErrorCodes.STACK_START_FAILED, await withLogTails(message, [this.paths.logFile]));
  }
}
