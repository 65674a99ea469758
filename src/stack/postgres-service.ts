import { appendFile, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ErrorCodes, TandemError } from '../errors.js';
import { withLogTails } from './log-tail.js';
import { asUser, lookupOsUser, runningAsRoot, type OsUser } from './os-user.js';
import { assertPortFree } from './port-guard.js';
import {
  initdbArgs,
  postgresPaths,
  renderPostgresConf,
  TANDEM_CONF_INCLUDE,
  type PostgresPaths,
} from './postgres-config.js';
import { isOurProcess, readPidFile, runCommand, sendSignal, waitForExit } from './processes.js';
import { postgresAnswers } from './readiness.js';
import { localServiceStatus, type ServiceStatus, type StackService, type StartOutcome } from './service.js';
import { STACK_DATABASE, STACK_PASSWORD, STACK_USER, type ProgressLog, type StackSettings } from './settings.js';
import { stackEnvFor } from './stack-env.js';
import { requireTool } from './tools.js';
import { waitUntil } from './waiting.js';

const PG_PACKAGE = 'postgresql-15';

/** PostgreSQL from the Debian server binaries, own data directory, run as the `postgres` OS user when we are root. */
export class LocalPostgres implements StackService {
  readonly name = 'postgres' as const;
  readonly paths: PostgresPaths;
  readonly #settings: StackSettings;
  readonly #log: ProgressLog;
  #osUser: OsUser | undefined;

  constructor(settings: StackSettings, log: ProgressLog) {
    this.#settings = settings;
    this.#log = log;
    this.paths = postgresPaths(settings.stackDir);
  }

  get #url(): string {
    return stackEnvFor(this.#settings).pgUrl;
  }

  async ensureRunning(): Promise<StartOutcome> {
    const pid = await this.#runningPid();
    if (pid !== undefined) {
      const answering = await waitUntil(() => this.#answersOnSocket(), { timeoutMs: 15_000 });
      if (answering.ready) {
        await this.#bootstrap();
        return 'reused';
      }
      this.#log(`postgres (pid ${pid}) runs but does not answer; restarting it`);
      await this.stop();
    }
    await this.#removeStaleLocks();
    await assertPortFree(this.#settings.ports.postgres, 'PostgreSQL', 'TANDEM_STACK_PG_PORT');
    await this.#initializeIfNeeded();
    await this.#writeTandemConf();
    this.#log(`starting PostgreSQL on 127.0.0.1:${this.#settings.ports.postgres}`);
    const start = await this.#runPgTool(requireTool('pgCtl'), ['-D', this.paths.dataDir, '-l', this.paths.logFile, '-w', '-t', '120', 'start']);
    if (start.exitCode !== 0 || !(await waitUntil(() => this.#answersOnSocket(), { timeoutMs: 10_000 })).ready) {
      throw await this.#startFailure(`pg_ctl start failed (exit ${start.exitCode}): ${start.output.trim()}`);
    }
    await this.#bootstrap();
    return 'started';
  }

  async stop(): Promise<void> {
    const pid = await this.#runningPid();
    if (pid === undefined) return;
    this.#log(`stopping PostgreSQL (pid ${pid})`);
    sendSignal(pid, 'SIGCONT');
    const pgCtl = requireTool('pgCtl');
    const fast = await this.#runPgTool(pgCtl, ['-D', this.paths.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
    if (fast.exitCode === 0 && (await waitForExit(pid, 5_000))) return;
    this.#log(`pg_ctl stop -m fast did not finish (${fast.output.trim()}); trying -m immediate`);
    await this.#runPgTool(pgCtl, ['-D', this.paths.dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    if (await waitForExit(pid, 5_000)) return;
    sendSignal(pid, 'SIGKILL');
    await waitForExit(pid, 10_000);
  }

  async status(): Promise<ServiceStatus> {
    return localServiceStatus({ name: this.name, port: this.#settings.ports.postgres, url: this.#url }, await this.#runningPid(), () => this.#answersOnSocket());
  }



  async #runningPid(): Promise<number | undefined> {
    const pid = await readPidFile(this.paths.postmasterPidFile);
    return pid !== undefined && isOurProcess(pid, this.paths.dataDir) ? pid : undefined;
  }

  #answersOnSocket(): Promise<boolean> {
    const port = this.#settings.ports.postgres;
    return postgresAnswers({ socketDir: this.paths.socketDir, port, user: 'postgres', database: 'postgres' });
  }

  /**
   * A postmaster.pid naming a pid that is not our server (it crashed and the pid was recycled) would make the
   * postmaster refuse to start when the recycled pid belongs to the postgres user; remove such leftovers.
   */
  async #removeStaleLocks(): Promise<void> {
    const socketLock = join(this.paths.socketDir, `.s.PGSQL.${this.#settings.ports.postgres}.lock`);
    await rm(this.paths.postmasterPidFile, { force: true });
    await rm(socketLock, { force: true });
  }

  async #initializeIfNeeded(): Promise<void> {
    if (existsSync(this.paths.initializedMarker) && existsSync(this.paths.dataDir)) return;
    this.#log(`initializing a PostgreSQL data directory in ${this.paths.dataDir}`);
    await rm(this.paths.dataDir, { recursive: true, force: true });
    await mkdir(this.paths.dir, { recursive: true });
    const user = await this.#postgresOsUser();
    if (user !== undefined) {
      await chown(this.paths.dir, user.uid, user.gid);
      await this.#assertUserCanWrite(user);
    }
    const result = await this.#runPgTool(requireTool('initdb'), initdbArgs(this.paths.dataDir));
    await writeFile(this.paths.initdbLogFile, result.output);
    if (result.exitCode !== 0) {
      throw new TandemError(
        ErrorCodes.STACK_START_FAILED,
        await withLogTails(`initdb failed (exit ${result.exitCode}).`, [this.paths.initdbLogFile]),
      );
    }
    const mainConf = join(this.paths.dataDir, 'postgresql.conf');
    if (!(await readFile(mainConf, 'utf8')).includes(TANDEM_CONF_INCLUDE)) {
      await appendFile(mainConf, `\n${TANDEM_CONF_INCLUDE}\n`);
    }
    await writeFile(this.paths.initializedMarker, `${new Date().toISOString()}\n`);
  }

  async #writeTandemConf(): Promise<void> {
    const conf = renderPostgresConf({ port: this.#settings.ports.postgres, socketDir: this.paths.socketDir });
    await writeFile(this.paths.tandemConfFile, conf);
    const user = await this.#postgresOsUser();
    if (user !== undefined) await chown(this.paths.tandemConfFile, user.uid, user.gid);
  }

  async #assertUserCanWrite(user: OsUser): Promise<void> {
    const [command, args] = asUser(user, 'test', ['-w', this.paths.dir, '-a', '-x', this.paths.dir]);
    const result = await runCommand(command, args, { cwd: this.paths.dir });
    if (result.exitCode === 0) return;
    throw new TandemError(
      ErrorCodes.STACK_START_FAILED,
      `PostgreSQL runs as the OS user "${user.name}", which cannot reach ${this.paths.dir} ` +
        `(a parent directory is not searchable by it). Point TANDEM_STACK_DIR at a directory it can reach.`,
    );
  }

  /** initdb and pg_ctl refuse to run as root: when we are root, they run as `postgres` via runuser. */
  async #runPgTool(tool: string, args: string[]) {
    const user = await this.#postgresOsUser();
    const [command, finalArgs] = user === undefined ? [tool, args] : asUser(user, tool, args);
    return runCommand(command, finalArgs, { cwd: this.paths.dir, timeoutMs: 180_000 });
  }

  async #postgresOsUser(): Promise<OsUser | undefined> {
    if (!runningAsRoot()) return undefined;
    this.#osUser ??= await lookupOsUser('postgres', PG_PACKAGE);
    return this.#osUser;
  }

  /** Creates the `tandem` superuser and database if missing, then proves a password login over TCP works. */
  async #bootstrap(): Promise<void> {
    const admin = new pg.Client({
      host: this.paths.socketDir,
      port: this.#settings.ports.postgres,
      user: 'postgres',
      database: 'postgres',
    });
    await admin.connect();
    try {
      const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [STACK_USER]);
      const verb = role.rowCount === 0 ? 'CREATE' : 'ALTER';
      await admin.query(`${verb} ROLE ${STACK_USER} LOGIN REPLICATION SUPERUSER PASSWORD '${STACK_PASSWORD}'`);
      const database = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [STACK_DATABASE]);
      if (database.rowCount === 0) await admin.query(`CREATE DATABASE ${STACK_DATABASE} OWNER ${STACK_USER}`);
    } finally {
      await admin.end();
    }
    if (!(await postgresAnswers({ url: this.#url }))) {
      throw await this.#startFailure(`PostgreSQL runs but ${this.#url} does not accept a password login.`);
    }
  }

  async #startFailure(message: string): Promise<TandemError> {
    return new TandemError(ErrorCodes.STACK_START_FAILED, await withLogTails(message, [this.paths.logFile]));
  }
}
