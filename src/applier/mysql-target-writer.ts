import mysql from 'mysql2/promise';
import type { ConnectionConfig } from '../config/schema.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { Value } from '../model/logical-type.js';
import { defaultDatabase, mysqlConnectionOptions } from '../mysql/connection.js';
import type { MysqlFlavor } from '../mysql/mysql-position.js';
import { serverInfo } from '../mysql/preconditions.js';
import { mysqlDescribeError, mysqlIsDatabaseError, mysqlIsLockConflict, mysqlIsTransient } from './db-errors.js';
import type { TableName } from './link-routes.js';
import { bucketSizes, myDeleteSql, myIdent, myRekeySql, myTruncateSql, myUpsertSql, ROW_BUCKETS } from './mysql-sql.js';
import { readMysqlTargetTable } from './mysql-target-catalog.js';
import { mysqlParam } from './mysql-values.js';
import type { TargetColumn, TargetTable } from './target-table.js';
import type { Param, ProgressKey, TargetWriter, TransactionMark } from './target-writer.js';
import { MYSQL_APPLYING_VARIABLE } from '../twoway/shadow-table.js';
import type { StoredVersion } from '../twoway/row-version.js';
import { myLockRowsSql, myLockVersionsSql, myVersionPlaceholdersSql } from './mysql-sql.js';
import { ensureMysqlProgressColumns, PROGRESS_MARK_SQL } from './mysql-progress.js';

/** Placeholders MySQL accepts in one prepared statement, and a bound on one statement's parameter bytes. */
const MAX_PLACEHOLDERS = 65_535;
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * The applier's session: values are stored as sent or refused (strict mode, no zero dates), an explicit
 * 0 in an AUTO_INCREMENT column stays 0, TIMESTAMP parameters are UTC, and READ COMMITTED keeps gap locks
 * (and deadlocks between applier instances) away.
 */
const SESSION_SQL = [
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  "SET SESSION time_zone = '+00:00'",
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
];

export interface MysqlTargetWriterOptions {
  connection: ConnectionConfig;
  /** Database of the tandem_progress table; default: the connection's database. */
  progressSchema: string | undefined;
}

/** The MySQL/MariaDB dialect of TargetWriter: multi-row statements in fixed row-count buckets, prepared and reused. */
export class MysqlTargetWriter implements TargetWriter {
  readonly engine = 'mysql' as const;
  readonly #options: MysqlTargetWriterOptions;
  #conn: mysql.Connection | undefined;
  #flavor: MysqlFlavor = 'mariadb';
  readonly #sqlCache = new Map<string, string>();
  readonly #progress: string;
  readonly #progressName: { schema: string; table: string };
  /** The origin the open transaction's progress rows are marked with. */
  #origin = '';

  constructor(options: MysqlTargetWriterOptions) {
    this.#options = options;
    const database = options.progressSchema ?? defaultDatabase(options.connection);
    if (!database) {
      throw new TandemError(ErrorCodes.CONFIG_INVALID, 'the MySQL target connection names no database for tandem_progress; add one to the connection or set the link\'s progressSchema');
    }
    this.#progress = `${myIdent(database)}.${myIdent('tandem_progress')}`;
    this.#progressName = { schema: database, table: 'tandem_progress' };
  }

  async connect(): Promise<void> {
    let conn: mysql.Connection;
    try {
      conn = await mysql.createConnection({ ...mysqlConnectionOptions(this.#options.connection), maxPreparedStatements: 2_000 });
    } catch (cause) {
      throw new TandemError(ErrorCodes.TARGET_CONNECTION, `cannot connect to the MySQL target: ${(cause as Error).message}`, { cause, canRetry: true });
    }
    conn.on('error', () => undefined); // surfaces as the next statement's failure
    this.#conn = conn;
    this.#flavor = (await serverInfo(conn)).flavor;
    for (const sql of SESSION_SQL) await conn.query(sql);
    // The version triggers of two-way tables leave this session's writes to the applier.
    await conn.query(`SET ${MYSQL_APPLYING_VARIABLE} = 1`);
  }

  async close(): Promise<void> {
    await this.#conn?.end().catch(() => this.#conn?.destroy());
    this.#conn = undefined;
  }

  describeTable(name: TableName): Promise<TargetTable | undefined> {
    return readMysqlTargetTable(this.#c(), name, this.#flavor);
  }

  param(column: TargetColumn, value: Value): Param {
    return mysqlParam(column, value);
  }

  async ensureProgressTable(): Promise<void> {
    await this.#c().query(
      `CREATE TABLE IF NOT EXISTS ${this.#progress} (` +
        'consumer_id VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, topic VARCHAR(249) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, ' +
        '`partition` INT NOT NULL, next_offset BIGINT NOT NULL, updated_at DATETIME(6) NOT NULL, ' +
        "origin VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '', marks BIGINT NOT NULL DEFAULT 0, " +
        'PRIMARY KEY (consumer_id, topic, `partition`)) ENGINE=InnoDB',
    );
    await ensureMysqlProgressColumns(this.#c(), this.#progressName);
  }

  async initProgress(consumerId: string, topic: string, partitions: readonly number[], initial: (partition: number) => bigint): Promise<Map<number, bigint>> {
    const conn = this.#c();
    for (const p of partitions) {
      await conn.query(
        `INSERT INTO ${this.#progress} (consumer_id, topic, \`partition\`, next_offset, updated_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE next_offset = next_offset`,
        [consumerId, topic, p, initial(p).toString()],
      );
    }
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT \`partition\` AS p, CAST(next_offset AS CHAR) AS n FROM ${this.#progress} WHERE consumer_id = ? AND topic = ?`, [consumerId, topic]);
    return new Map(rows.filter((r) => partitions.includes(Number(r.p))).map((r) => [Number(r.p), BigInt(String(r.n))]));
  }

  async lockProgress(key: ProgressKey): Promise<bigint | undefined> {
    // Written first in every applier transaction: the node's reader sees this row change before any
    // applied row and leaves the transaction out (or relays it, as from `origin`).
    await this.#c().execute(PROGRESS_MARK_SQL(this.#progress), [this.#origin, key.consumerId, key.topic, key.partition]);
    const [rows] = await this.#c().execute<mysql.RowDataPacket[]>(
      `SELECT CAST(next_offset AS CHAR) AS n FROM ${this.#progress} WHERE consumer_id = ? AND topic = ? AND \`partition\` = ? FOR UPDATE`,
      [key.consumerId, key.topic, key.partition],
    );
    return rows[0] ? BigInt(String(rows[0].n)) : undefined;
  }

  async saveProgress(key: ProgressKey, expected: bigint, next: bigint): Promise<boolean> {
    const [result] = await this.#c().execute<mysql.ResultSetHeader>(
      `UPDATE ${this.#progress} SET next_offset = ?, updated_at = UTC_TIMESTAMP(6) WHERE consumer_id = ? AND topic = ? AND \`partition\` = ? AND next_offset = ?`,
      [next.toString(), key.consumerId, key.topic, key.partition, expected.toString()],
    );
    return result.affectedRows === 1;
  }

  async upsert(table: TargetTable, columns: readonly TargetColumn[], key: readonly string[], rows: readonly Param[][]): Promise<void> {
    const names = columns.map((c) => c.name);
    await this.#multiRow(rows, names.length, (n) =>
      this.#cached(JSON.stringify(['u', table.name.schema, table.name.table, n, ...names]), () => myUpsertSql(table.name, names, key, n, this.#flavor)),
    );
  }

  async delete(table: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<void> {
    const names = keyColumns.map((c) => c.name);
    await this.#multiRow(keys, names.length, (n) =>
      this.#cached(JSON.stringify(['d', table.name.schema, table.name.table, n, ...names]), () => myDeleteSql(table.name, names, n)),
    );
  }

  async rekey(table: TargetTable, setColumns: readonly TargetColumn[], values: readonly Param[], keyColumns: readonly TargetColumn[], oldKey: readonly Param[]): Promise<void> {
    await this.#c().execute(myRekeySql(table.name, setColumns.map((c) => c.name), keyColumns.map((c) => c.name)), [...values, ...oldKey] as never[]);
  }

  async truncate(tables: readonly TargetTable[]): Promise<void> {
    for (const table of tables) await this.#c().query(myTruncateSql(table.name));
  }

  async begin(mark: TransactionMark): Promise<void> {
    this.#origin = mark.origin;
    await this.#c().query('START TRANSACTION');
  }

  async setSourceCommit(): Promise<void> {
    // MySQL keeps no origin position with a transaction; the progress row marks it.
  }

  async lockRows(table: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<void> {
    const names = keyColumns.map((c) => c.name);
    const id = JSON.stringify([table.name.schema, table.name.table, ...names]);
    await this.#multiRow(keys, names.length, (n) => this.#cached(`lr${n}${id}`, () => myLockRowsSql(table.name, names, n)));
  }

  async lockVersions(shadow: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<Array<StoredVersion | undefined>> {
    const names = keyColumns.map((c) => c.name);
    const id = JSON.stringify([shadow.name.schema, shadow.name.table, ...names]);
    await this.#multiRow(keys, names.length, (n) => this.#cached(`vp${n}${id}`, () => myVersionPlaceholdersSql(shadow.name, names, n)));
    const out = new Array<StoredVersion | undefined>(keys.length);
    const maxRows = Math.min(ROW_BUCKETS.at(-1)!, Math.floor(MAX_PLACEHOLDERS / (names.length + 1)));
    let at = 0;
    for (const n of bucketSizes(keys.length, maxRows)) {
      const params: Param[] = [];
      for (let r = at; r < at + n; r++) params.push(r, ...keys[r]!);
      const [rows] = await this.#c().execute<mysql.RowDataPacket[]>(this.#cached(`vl${n}${id}`, () => myLockVersionsSql(shadow.name, names, n)), params as never[]);
      for (const row of rows) {
        const ts = BigInt(String(row.ts));
        if (ts === 0n) continue; // a placeholder: no version known
        out[Number(row.ord)] = { ts, rank: Number(row.rank), node: String(row.node), deleted: Number(row.deleted) === 1 };
      }
      at += n;
    }
    return out;
  }

  async commit(): Promise<void> {
    await this.#c().query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.#c().query('ROLLBACK');
  }

  async savepoint(): Promise<void> {
    await this.#c().query('SAVEPOINT tandem_change');
  }

  async rollbackToSavepoint(): Promise<void> {
    await this.#c().query('ROLLBACK TO SAVEPOINT tandem_change');
  }

  async releaseSavepoint(): Promise<void> {
    await this.#c().query('RELEASE SAVEPOINT tandem_change');
  }

  isTransient(error: unknown): boolean {
    return mysqlIsTransient(error);
  }

  isLockConflict(error: unknown): boolean {
    return mysqlIsLockConflict(error);
  }

  isDatabaseError(error: unknown): boolean {
    return mysqlIsDatabaseError(error);
  }

  describeError(error: unknown): string {
    return mysqlDescribeError(error);
  }

  /** Runs rows through multi-row statements of bucket sizes, bounded by placeholders and bytes. */
  async #multiRow(rows: readonly Param[][], width: number, sqlFor: (rows: number) => string): Promise<void> {
    const maxRows = Math.min(ROW_BUCKETS.at(-1)!, Math.floor(MAX_PLACEHOLDERS / Math.max(1, width)));
    const conn = this.#c();
    let start = 0;
    while (start < rows.length) {
      let end = start;
      let bytes = 0;
      while (end < rows.length && end - start < maxRows && bytes < MAX_BYTES) {
        for (const v of rows[end]!) bytes += typeof v === 'string' ? v.length : Buffer.isBuffer(v) ? v.length : 8;
        end++;
      }
      let at = start;
      for (const n of bucketSizes(end - start, maxRows)) {
        const params: Param[] = [];
        for (let r = at; r < at + n; r++) for (const v of rows[r]!) params.push(v);
        await conn.execute(sqlFor(n), params as never[]);
        at += n;
      }
      start = end;
    }
  }

  #cached(key: string, build: () => string): string {
    let sql = this.#sqlCache.get(key);
    if (sql === undefined) {
      sql = build();
      this.#sqlCache.set(key, sql);
    }
    return sql;
  }

  #c(): mysql.Connection {
    if (!this.#conn) throw new TandemError(ErrorCodes.TARGET_CONNECTION, 'the MySQL target is not connected', { canRetry: true });
    return this.#conn;
  }
}
