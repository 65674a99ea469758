import type mysql from 'mysql2/promise';
import { mysqlDescribeError, mysqlIsTransient } from '../applier/db-errors.js';
import type { TableName } from '../applier/link-routes.js';
import { myIdent, myTable } from '../applier/mysql-sql.js';
import { ErrorCodes, isTandemError, TandemError } from '../errors.js';
import type { MysqlFlavor } from '../mysql/mysql-position.js';
import { checkKeyColumns, checkVersioningNode, shadowColumnsMissing, shadowKeyMismatch, showTable, type ShadowInfo, type VersioningNode } from './shadow-info.js';
import { boundedName, MYSQL_APPLYING_VARIABLE, shadowTableName, VERSION_COLUMN_NAMES, VERSION_COLUMNS as V } from './shadow-table.js';

/*
 * MySQL/MariaDB row versioning: the shadow table of a data table and three BEFORE triggers that stamp
 * every local write into it (see shadow-table.ts). BEFORE, so that the shadow row is written — and
 * logged in the binlog — before its data row. Sessions of an applier set MYSQL_APPLYING_VARIABLE to 1
 * and write the shadow themselves; the triggers then do nothing.
 */

/** A primary-key column as information_schema describes it. */
export interface MyKeyColumn {
  name: string;
  /** COLUMN_TYPE: `int(11) unsigned`, `varchar(20)`, `enum('a','b')`. */
  type: string;
  charset: string | null;
  collation: string | null;
  /** The key's prefix length on this column (BLOB/TEXT keys), else null. */
  subPart: number | null;
}

export type MyTriggerEvent = 'INSERT' | 'UPDATE' | 'DELETE';

/** Trigger names share the database's namespace: one set per table, `tandem_vi_<table>` etc. */
export function myTriggerName(data: TableName, event: MyTriggerEvent): string {
  return boundedName({ INSERT: 'tandem_vi_', UPDATE: 'tandem_vu_', DELETE: 'tandem_vd_' }[event], data.table);
}

export const MY_PURGE_INDEX = 'tandem_purge';

export function myKeyColumnSql(c: MyKeyColumn): string {
  const text = c.charset ? ` CHARACTER SET ${c.charset}${c.collation ? ` COLLATE ${c.collation}` : ''}` : '';
  return `${myIdent(c.name)} ${c.type}${text} NOT NULL`;
}

export function myShadowDdl(data: TableName, keys: readonly MyKeyColumn[]): string {
  const key = keys.map((k) => `${myIdent(k.name)}${k.subPart ? `(${k.subPart})` : ''}`).join(', ');
  const columns = [
    ...keys.map(myKeyColumnSql),
    `${V.ts} BIGINT NOT NULL`,
    `${V.rank} INT NOT NULL`,
    `${V.node} VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL`,
    `${V.deleted} BOOLEAN NOT NULL`,
    `${V.prevTs} BIGINT NOT NULL`,
    `${V.prevRank} INT NOT NULL`,
    `PRIMARY KEY (${key})`,
    `KEY ${MY_PURGE_INDEX} (${V.deleted}, ${V.ts})`,
  ];
  return `CREATE TABLE IF NOT EXISTS ${myTable(shadowTableName(data))} (${columns.join(', ')}) ENGINE=InnoDB`;
}

/** Microseconds since the epoch in UTC, whatever the session's time zone (the statement's start time). */
const MY_NOW_MICROS = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))";

/**
 * Upserts the shadow row of `record`'s key with the next version. The assignments set prev from the
 * stored version first and compute ts from tandem_ts, which no earlier assignment changed: right both
 * with MySQL's left-to-right assignments and MariaDB's SIMULTANEOUS_ASSIGNMENT.
 */
function myStampSql(shadow: TableName, keys: readonly string[], record: 'NEW' | 'OLD', deleted: boolean, node: VersioningNode): string {
  const cols = keys.map(myIdent);
  const flag = deleted ? 'TRUE' : 'FALSE';
  return (
    `INSERT INTO ${myTable(shadow)} (${[...cols, ...VERSION_COLUMN_NAMES].join(', ')}) ` +
    `VALUES (${[...cols.map((c) => `${record}.${c}`), MY_NOW_MICROS, String(node.rank), `'${node.name}'`, flag, '0', '0'].join(', ')}) ` +
    'ON DUPLICATE KEY UPDATE ' +
    [
      ...cols.map((c) => `${c} = ${record}.${c}`),
      `${V.prevTs} = ${V.ts}`,
      `${V.prevRank} = ${V.rank}`,
      `${V.ts} = GREATEST(${MY_NOW_MICROS}, ${V.ts} + 1)`,
      `${V.rank} = ${node.rank}`,
      `${V.node} = '${node.name}'`,
      `${V.deleted} = ${flag}`,
    ].join(', ')
  );
}

/** The body (BEGIN … END) of one of the table's three triggers. */
export function myTriggerBody(data: TableName, keys: readonly string[], event: MyTriggerEvent, node: VersioningNode): string {
  checkVersioningNode(node);
  const shadow = shadowTableName(data);
  const lines: string[] = [];
  if (event === 'DELETE') lines.push(`    ${myStampSql(shadow, keys, 'OLD', true, node)};`);
  if (event === 'UPDATE') {
    const same = keys.map((k) => `OLD.${myIdent(k)} <=> NEW.${myIdent(k)}`).join(' AND ');
    lines.push(`    IF NOT (${same}) THEN`, `      ${myStampSql(shadow, keys, 'OLD', true, node)};`, '    END IF;');
  }
  if (event !== 'DELETE') lines.push(`    ${myStampSql(shadow, keys, 'NEW', false, node)};`);
  return ['BEGIN', `  IF NOT (${MYSQL_APPLYING_VARIABLE} <=> 1) THEN`, ...lines, '  END IF;', 'END'].join('\n');
}

/** CREATE [OR REPLACE] TRIGGER (MariaDB replaces a trigger in place; MySQL has no OR REPLACE). */
export function myTriggerSql(data: TableName, event: MyTriggerEvent, body: string, orReplace: boolean): string {
  const name = `${myIdent(data.schema)}.${myIdent(myTriggerName(data, event))}`;
  return `CREATE ${orReplace ? 'OR REPLACE ' : ''}TRIGGER ${name} BEFORE ${event} ON ${myTable(data)} FOR EACH ROW ${body}`;
}

/** Deletes up to `chunkRows` tombstones older than ? (µs), oldest first, through the purge index. */
export function myPurgeSql(shadow: TableName, chunkRows: number): string {
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive integer, not ${chunkRows}`);
  return `DELETE FROM ${myTable(shadow)} WHERE ${V.deleted} = TRUE AND ${V.ts} < CAST(? AS SIGNED) ORDER BY ${V.deleted}, ${V.ts} LIMIT ${chunkRows}`;
}

type Row = Record<string, unknown>;

async function rows(conn: mysql.Connection, sql: string, params: unknown[] = []): Promise<Row[]> {
  const [result] = await conn.query(sql, params);
  return result as Row[];
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export async function readMysqlKeyColumns(conn: mysql.Connection, table: TableName): Promise<MyKeyColumn[]> {
  const found = await rows(
    conn,
    'SELECT c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, c.CHARACTER_SET_NAME AS charset, c.COLLATION_NAME AS collation, s.SUB_PART AS subPart ' +
      'FROM information_schema.STATISTICS s JOIN information_schema.COLUMNS c ' +
      'ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME ' +
      "WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.INDEX_NAME = 'PRIMARY' ORDER BY s.SEQ_IN_INDEX",
    [table.schema, table.table],
  );
  return found.map((r) => ({
    name: text(r.name)!,
    type: text(r.type)!,
    charset: text(r.charset),
    collation: text(r.collation),
    subPart: r.subPart === null || r.subPart === undefined ? null : Number(r.subPart),
  }));
}

async function readTable(conn: mysql.Connection, table: TableName): Promise<{ type: string; columns: string[] } | undefined> {
  const found = await rows(
    conn,
    'SELECT t.TABLE_TYPE AS type, c.COLUMN_NAME AS name FROM information_schema.TABLES t LEFT JOIN information_schema.COLUMNS c ' +
      'ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?',
    [table.schema, table.table],
  );
  if (found.length === 0) return undefined;
  return { type: text(found[0]!.type)!, columns: found.flatMap((r) => (r.name === null ? [] : [text(r.name)!])) };
}

interface ExistingTrigger {
  name: string;
  table: string;
  event: string;
  timing: string;
  body: string;
}

/** Triggers of the database that are on `data` or carry one of our names. */
async function readTriggers(conn: mysql.Connection, data: TableName, names: readonly string[]): Promise<ExistingTrigger[]> {
  const found = await rows(
    conn,
    'SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, EVENT_MANIPULATION AS event, ACTION_TIMING AS timing, ACTION_STATEMENT AS body ' +
      'FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND (EVENT_OBJECT_TABLE = ? OR TRIGGER_NAME IN (?))',
    [data.schema, data.table, names],
  );
  return found.map((r) => ({ name: text(r.name)!, table: text(r.tbl)!, event: text(r.event)!, timing: text(r.timing)!, body: text(r.body)! }));
}

const describeKey = (keys: readonly MyKeyColumn[]) => keys.map((k) => `${myKeyColumnSql(k)}${k.subPart ? ` (prefix ${k.subPart})` : ''}`);

async function flavorOf(conn: mysql.Connection): Promise<MysqlFlavor> {
  const [row] = await rows(conn, 'SELECT VERSION() AS v');
  return String(text(row?.v) ?? '').toLowerCase().includes('mariadb') ? 'mariadb' : 'mysql';
}

/** Creates each trigger that is missing or differs; leaves identical ones alone. */
async function installTriggers(conn: mysql.Connection, data: TableName, keys: readonly string[], node: VersioningNode): Promise<void> {
  const events: MyTriggerEvent[] = ['INSERT', 'UPDATE', 'DELETE'];
  const ours = events.map((event) => ({ event, name: myTriggerName(data, event), body: myTriggerBody(data, keys, event, node) }));
  const existing = await readTriggers(conn, data, ours.map((t) => t.name));
  const elsewhere = existing.find((e) => e.table !== data.table);
  if (elsewhere) {
    throw new TandemError(
      ErrorCodes.APPLY_TARGET_MISMATCH,
      `trigger ${data.schema}.${elsewhere.name} is on table ${elsewhere.table}, not ${data.table} (a renamed table keeps its triggers); drop it (DROP TRIGGER ${myIdent(data.schema)}.${myIdent(elsewhere.name)}) and start again`,
    );
  }
  const todo = ours.filter((t) => !existing.some((e) => e.name === t.name && e.event === t.event && e.timing === 'BEFORE' && e.body === t.body));
  // Tandem triggers left on this table under other names (it was renamed): they would stamp another shadow.
  const stray = existing.filter((e) => /^tandem_v[iud]_/.test(e.name) && !ours.some((t) => t.name === e.name));
  if (todo.length === 0 && stray.length === 0) return;
  const drops = stray.map((e) => `DROP TRIGGER IF EXISTS ${myIdent(data.schema)}.${myIdent(e.name)}`);
  if ((await flavorOf(conn)) === 'mariadb') {
    // CREATE OR REPLACE swaps a trigger under the table's exclusive metadata lock: never a write without it.
    for (const t of todo) await conn.query(myTriggerSql(data, t.event, t.body, true));
    for (const drop of drops) await conn.query(drop);
    return;
  }
  // MySQL: drop and create while holding the table's write lock, so no other session writes in between.
  await conn.query(`LOCK TABLES ${myTable(data)} WRITE, ${myTable(shadowTableName(data))} WRITE`);
  try {
    for (const t of todo) {
      await conn.query(`DROP TRIGGER IF EXISTS ${myIdent(data.schema)}.${myIdent(t.name)}`);
      await conn.query(myTriggerSql(data, t.event, t.body, false));
    }
    for (const drop of drops) await conn.query(drop);
  } finally {
    await conn.query('UNLOCK TABLES');
  }
}

/**
 * Creates (or checks) the shadow table of `table` and installs its three triggers stamping `node`'s
 * name and rank. Safe to run at every start: identical triggers are left alone, changed ones replaced
 * without a moment in which the table has none.
 */
export async function installMysqlVersioning(conn: mysql.Connection, table: TableName, node: VersioningNode): Promise<ShadowInfo> {
  checkVersioningNode(node);
  const shadow = shadowTableName(table);
  try {
    const data = await readTable(conn, table);
    if (!data || data.type !== 'BASE TABLE') {
      throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `table ${showTable(table)} does not exist (or is not a base table); create it, or remove it from the node's tables`);
    }
    const keys = await readMysqlKeyColumns(conn, table);
    const keyNames = keys.map((k) => k.name);
    checkKeyColumns(table, keyNames);
    const existing = await readTable(conn, shadow);
    if (existing) {
      const want = describeKey(keys);
      const have = describeKey(await readMysqlKeyColumns(conn, shadow));
      if (want.join('\n') !== have.join('\n')) throw shadowKeyMismatch(table, shadow, want, have);
      const missing = VERSION_COLUMN_NAMES.filter((c) => !existing.columns.includes(c));
      if (missing.length > 0) throw shadowColumnsMissing(shadow, missing);
    } else {
      await conn.query(myShadowDdl(table, keys));
    }
    await installTriggers(conn, table, keyNames, node);
    return { data: table, shadow, keyColumns: keyNames };
  } catch (error) {
    if (isTandemError(error)) throw error;
    const transient = mysqlIsTransient(error);
    const errno = (error as { errno?: unknown }).errno;
    const hint =
      errno === 1419
        ? '; with binary logging on, creating triggers needs SUPER (MySQL) / the SUPER or BINLOG ADMIN privilege, or SET GLOBAL log_bin_trust_function_creators = 1'
        : transient
          ? ''
          : `; the connecting user needs CREATE and TRIGGER on ${table.schema} (and LOCK TABLES on MySQL)`;
    throw new TandemError(transient ? ErrorCodes.MYSQL_CONNECTION : ErrorCodes.MYSQL_PRECONDITION, `installing row versioning on ${showTable(table)} failed: ${mysqlDescribeError(error)}${hint}`, {
      canRetry: transient,
      cause: error,
    });
  }
}

/** Deletes the shadow's tombstones stamped before `beforeMicros`, `chunkRows` per statement; returns how many. */
export async function purgeMysqlTombstones(conn: mysql.Connection, shadow: TableName, beforeMicros: bigint, chunkRows = 1000): Promise<number> {
  const sql = myPurgeSql(shadow, chunkRows);
  let total = 0;
  for (;;) {
    const [result] = await conn.query(sql, [beforeMicros.toString()]);
    const n = (result as { affectedRows?: number }).affectedRows ?? 0;
    total += n;
    if (n < chunkRows) return total;
  }
}
