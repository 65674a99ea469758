import type { Connection, RowDataPacket } from 'mysql2/promise';
import { ErrorCodes, TandemError } from '../errors.js';
import type { MysqlFlavor } from './mysql-position.js';
import { tableKey, type TableRef } from './table-catalog.js';

export interface ServerInfo {
  flavor: MysqlFlavor;
  version: string;
}

export async function serverInfo(sql: Connection): Promise<ServerInfo> {
  const [rows] = await sql.query<RowDataPacket[]>('SELECT VERSION() AS v');
  const version = String(rows[0]!.v);
  return { flavor: version.toLowerCase().includes('mariadb') ? 'mariadb' : 'mysql', version };
}

function fail(message: string): never {
  throw new TandemError(ErrorCodes.MYSQL_PRECONDITION, message);
}

async function globals(sql: Connection, names: string[]): Promise<Map<string, string | null>> {
  const [rows] = await sql.query<Array<RowDataPacket & { Variable_name: string; Value: string }>>(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${names.map(() => '?').join(', ')})`,
    names,
  );
  const out = new Map<string, string | null>(names.map((n) => [n, null]));
  for (const r of rows) out.set(r.Variable_name.toLowerCase(), String(r.Value));
  return out;
}

/**
 * The source's settings the reader depends on, each failure naming the setting and its fix: the binlog
 * on, row-based with full images, GTIDs, nothing the decoder cannot read (compressed transactions or
 * events, partial JSON updates), the reader's privileges, and every configured table readable. Without
 * binlog_row_metadata=FULL the reader works, with a warning: mid-stream DDL while it is behind can stop it.
 */
export async function checkPreconditions(sql: Connection, server: ServerInfo, tables: TableRef[], warn: (message: string) => void): Promise<void> {
  const names = [
    'log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'gtid_mode', 'enforce_gtid_consistency',
    'binlog_transaction_compression', 'binlog_row_value_options', 'log_bin_compress', 'gtid_strict_mode',
  ];
  const v = await globals(sql, names);
  const is = (name: string, ...values: string[]) => values.includes((v.get(name) ?? '').toUpperCase());
  const restartHint = server.flavor === 'mariadb' ? 'in the [mariadbd] section of the server configuration' : 'in my.cnf';
  if (!is('log_bin', 'ON', '1')) {
    fail(`the binary log is off (log_bin=${v.get('log_bin')}); start the server with log_bin ${restartHint} (e.g. log_bin=binlog) — it cannot be turned on at run time`);
  }
  if (!is('binlog_format', 'ROW')) {
    fail(`binlog_format is ${v.get('binlog_format')}, but the reader needs row events; run SET GLOBAL binlog_format = 'ROW' and set binlog_format=ROW ${restartHint} (sessions opened before keep their old format: reconnect them)`);
  }
  if (!is('binlog_row_image', 'FULL')) {
    fail(`binlog_row_image is ${v.get('binlog_row_image')}, but the reader needs every column of every row; run SET GLOBAL binlog_row_image = 'FULL' and set binlog_row_image=FULL ${restartHint}`);
  }
  if (server.flavor === 'mysql') {
    if (!is('gtid_mode', 'ON')) fail(`gtid_mode is ${v.get('gtid_mode')}; the reader resumes by GTID: set enforce_gtid_consistency=ON and gtid_mode=ON (stepwise: OFF_PERMISSIVE, ON_PERMISSIVE, ON)`);
    if (is('binlog_transaction_compression', 'ON', '1')) {
      fail("binlog_transaction_compression is ON: compressed transaction payloads are not decoded; run SET GLOBAL binlog_transaction_compression = OFF (and in my.cnf)");
    }
    if ((v.get('binlog_row_value_options') ?? '') !== '') {
      fail(`binlog_row_value_options is ${v.get('binlog_row_value_options')}: partial JSON updates carry only the changed part of a document; run SET GLOBAL binlog_row_value_options = '' (and in my.cnf)`);
    }
  } else {
    if (is('log_bin_compress', 'ON', '1')) fail('log_bin_compress is ON: compressed binlog events are not decoded; run SET GLOBAL log_bin_compress = OFF (and in the server configuration)');
    if (!is('gtid_strict_mode', 'ON', '1')) {
      warn('gtid_strict_mode is OFF: resuming by GTID assumes sequence numbers rise within each domain; set gtid_strict_mode=ON');
    }
  }
  const rowMetadata = v.get('binlog_row_metadata');
  if (rowMetadata === null) {
    warn(
      `the server has no binlog_row_metadata (MariaDB 10.5+ and MySQL 8.0.1+ have it): rows are decoded with the columns information_schema shows at the last DDL the reader met, ` +
        'so two ALTER TABLEs of a replicated table while the reader is behind stop it (TANDEM_MYSQL_TABLE_MISMATCH)',
    );
  } else if (!is('binlog_row_metadata', 'FULL')) {
    warn(
      `binlog_row_metadata is ${rowMetadata}: the binlog does not carry column names, so rows are decoded with the columns information_schema shows at the last DDL the reader met, ` +
        `and two ALTER TABLEs of a replicated table while the reader is down or behind stop it (TANDEM_MYSQL_TABLE_MISMATCH); run SET GLOBAL binlog_row_metadata = FULL and set binlog_row_metadata=FULL ${restartHint}`,
    );
  }
  await checkPrivileges(sql, server);
  for (const table of tables) await checkTable(sql, table);
}

async function checkPrivileges(sql: Connection, server: ServerInfo): Promise<void> {
  const [rows] = await sql.query<Array<RowDataPacket & { PRIVILEGE_TYPE: string }>>(
    `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES
      WHERE GRANTEE = CONCAT("'", SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "'@'", SUBSTRING_INDEX(CURRENT_USER(), '@', -1), "'")`,
  );
  const granted = new Set(rows.map((r) => r.PRIVILEGE_TYPE.toUpperCase()));
  const missing: string[] = [];
  if (!granted.has('REPLICATION SLAVE')) missing.push('REPLICATION SLAVE');
  if (!granted.has('REPLICATION CLIENT') && !granted.has('BINLOG MONITOR')) missing.push(server.flavor === 'mariadb' ? 'BINLOG MONITOR' : 'REPLICATION CLIENT');
  if (missing.length > 0) {
    fail(`the reader's user ${await currentUser(sql)} lacks ${missing.join(' and ')}; run GRANT ${missing.join(', ')} ON *.* TO ${await currentUser(sql)}`);
  }
}

async function currentUser(sql: Connection): Promise<string> {
  const [rows] = await sql.query<RowDataPacket[]>('SELECT CURRENT_USER() AS u');
  const [user, host] = String(rows[0]!.u).split('@');
  return `'${user}'@'${host}'`;
}

async function checkTable(sql: Connection, ref: TableRef): Promise<void> {
  const name = tableKey(ref);
  const [found] = await sql.query<Array<RowDataPacket & { TABLE_TYPE: string; ENGINE: string | null }>>(
    'SELECT TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [ref.database, ref.table],
  );
  const row = found[0];
  if (!row) fail(`table ${name} does not exist (or the reader's user cannot see it); create it, GRANT SELECT ON ${name} TO the reader's user, or remove it from the node's tables`);
  if (row.TABLE_TYPE !== 'BASE TABLE') fail(`${name} is a ${row.TABLE_TYPE.toLowerCase()}, not a table; only tables can be replicated`);
  try {
    await sql.query(`SELECT 1 FROM ${quoteIdent(ref.database)}.${quoteIdent(ref.table)} LIMIT 0`);
  } catch (cause) {
    throw new TandemError(ErrorCodes.MYSQL_PRECONDITION, `the reader's user may not read ${name} (${(cause as Error).message}); run GRANT SELECT ON ${quoteIdent(ref.database)}.${quoteIdent(ref.table)} TO the reader's user`, { cause });
  }
}

export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
