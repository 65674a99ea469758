import { join } from 'node:path';

/** Where the local PostgreSQL keeps everything, under `<stackDir>/postgres`. */
export interface PostgresPaths {
  dir: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
  initdbLogFile: string;
  /** Written after a successful initdb; without it a data directory is treated as half-made and recreated. */
  initializedMarker: string;
  /** Our settings; postgresql.conf includes it. Rewritten on every start so port changes apply. */
  tandemConfFile: string;
  postmasterPidFile: string;
}

export const TANDEM_CONF_NAME = 'tandem.conf';
export const TANDEM_CONF_INCLUDE = `include '${TANDEM_CONF_NAME}'`;

export function postgresPaths(stackDir: string): PostgresPaths {
  const dir = join(stackDir, 'postgres');
  const dataDir = join(dir, 'data');
  return {
    dir,
    dataDir,
    socketDir: dir,
    logFile: join(dir, 'postgres.log'),
    initdbLogFile: join(dir, 'initdb.log'),
    initializedMarker: join(dir, 'initialized'),
    tandemConfFile: join(dataDir, TANDEM_CONF_NAME),
    postmasterPidFile: join(dataDir, 'postmaster.pid'),
  };
}

export interface PostgresConfInput {
  port: number;
  socketDir: string;
}

/** The server settings CDC needs: logical decoding, commit timestamps, room for many slots and connections. */
export function renderPostgresConf(input: PostgresConfInput): string {
  const settings: [string, string][] = [
    ['listen_addresses', quote('127.0.0.1')],
    ['port', String(input.port)],
    ['unix_socket_directories', quote(input.socketDir)],
    ['wal_level', 'logical'],
    ['track_commit_timestamp', 'on'],
    ['max_replication_slots', '32'],
    ['max_wal_senders', '32'],
    ['max_connections', '200'],
    ['logging_collector', 'off'],
    ['timezone', quote('UTC')],
    ['log_timezone', quote('UTC')],
  ];
  const lines = settings.map(([name, value]) => `${name} = ${value}`);
  return ['# Written by `tandem stack up` on every start; edits here are overwritten.', ...lines, ''].join('\n');
}

/** initdb arguments: superuser `postgres`, trust on the unix socket, passwords on TCP. */
export function initdbArgs(dataDir: string): string[] {
  return [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
  ];
}

/** A postgresql.conf string literal. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
