import pg from 'pg';
import type { ConnectionConfig } from '../config/schema.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { Value } from '../model/logical-type.js';
import { pgClientConfig } from '../postgres/connection.js';
import { pgDescribeError, pgIsDatabaseError, pgIsLockConflict, pgIsTransient } from './db-errors.js';
import type { TableName } from './link-routes.js';
import { pgDeleteSql, pgIdent, pgRekeySql, pgTruncateSql, pgUpsertSql } from './pg-sql.js';
import { readPgTargetTable } from './pg-target-catalog.js';
import { pgParam } from './pg-values.js';
import type { TargetColumn, TargetTable } from './target-table.js';
import type { Param, ProgressKey, TargetWriter, TransactionMark } from './target-writer.js';
import { PgOriginSession } from './pg-origin-session.js';
import { PG_APPLYING_SETTING } from '../twoway/shadow-table.js';
import type { StoredVersion } from '../twoway/row-version.js';
import { pgLockRowsSql, pgLockVersionsSql, pgVersionPlaceholdersSql } from './pg-sql.js';

/** Rows per statement, and a rough bound on the text bytes of one statement's parameters. */
const MAX_ROWS = 10_000;
const MAX_BYTES = 16 * 1024 * 1024;

export interface PgTargetWriterOptions {
  connection: ConnectionConfig;
  /** Schema of the tandem_progress table. */
  progressSchema: string;
  /** The link's source node: names the session's replication origin. */
  linkFrom: string;
}

/** The PostgreSQL dialect of TargetWriter: unnest-based multi-row statements, prepared once per shape. */
export class PgTargetWriter implements TargetWriter {
  readonly engine = 'postgres' as const;
  readonly #options: PgTargetWriterOptions;
  #client: pg.Client | undefined;
  /** Statement text → prepared statement name, per connection. */
  readonly #prepared = new Map<string, string>();
  readonly #sqlCache = new Map<string, string>();
  readonly #progress: string;
  readonly #origin: PgOriginSession;

  constructor(options: PgTargetWriterOptions) {
    this.#options = options;
    this.#origin = new PgOriginSession(() => this.#c(), options.linkFrom);
    this.#progress = `${pgIdent(options.progressSchema)}.${pgIdent('tandem_progress')}`;
  }

  async connect(): Promise<void> {
    const client = new pg.Client(pgClientConfig(this.#options.connection, { application_name: 'tandem-applier' }));
    client.on('error', () => undefined); // surfaces as the next query's failure
    try {
      await client.connect();
    } catch (cause) {
      throw new TandemError(ErrorCodes.TARGET_CONNECTION, `cannot connect to the PostgreSQL target: ${(cause as Error).message}`, { cause, canRetry: true });
    }
    this.#client = client;
    this.#prepared.clear();
    this.#origin.reset();
    // The version triggers of two-way tables leave this session's writes to the applier.
    await client.query(`SET ${PG_APPLYING_SETTING} = 'on'`);
  }

  async close(): Promise<void> {
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
  }

  describeTable(name: TableName): Promise<TargetTable | undefined> {
    return readPgTargetTable(this.#c(), name);
  }

  param(column: TargetColumn, value: Value): Param {
    return pgParam(column, value);
  }

  async ensureProgressTable(): Promise<void> {
    try {
      await this.#c().query(
        `CREATE TABLE IF NOT EXISTS ${this.#progress} (consumer_id text NOT NULL, topic text NOT NULL, "partition" integer NOT NULL, ` +
          'next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer_id, topic, "partition"))',
      );
    } catch (error) {
      // Two instances creating it at once: one wins, the other sees a duplicate.
      if (!['23505', '42P07'].includes(String((error as { code?: unknown }).code))) throw error;
    }
  }

  async initProgress(consumerId: string, topic: string, partitions: readonly number[], initial: (partition: number) => bigint): Promise<Map<number, bigint>> {
    const client = this.#c();
    for (const p of partitions) {
      await client.query(`INSERT INTO ${this.#progress} (consumer_id, topic, "partition", next_offset) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        consumerId,
        topic,
        p,
        initial(p).toString(),
      ]);
    }
    const rows = (await client.query(`SELECT "partition", next_offset::text AS next FROM ${this.#progress} WHERE consumer_id = $1 AND topic = $2`, [consumerId, topic])).rows;
    return new Map(rows.filter((r) => partitions.includes(Number(r.partition))).map((r) => [Number(r.partition), BigInt(String(r.next))]));
  }

  async lockProgress(key: ProgressKey): Promise<bigint | undefined> {
    const rows = await this.#run(
      `SELECT next_offset::text AS next FROM ${this.#progress} WHERE consumer_id = $1 AND topic = $2 AND "partition" = $3 FOR UPDATE`,
      [key.consumerId, key.topic, key.partition],
    );
    return rows[0] ? BigInt(String(rows[0].next)) : undefined;
  }

  async saveProgress(key: ProgressKey, expected: bigint, next: bigint): Promise<boolean> {
    const result = await this.#c().query({
      name: this.#name(`UPDATE ${this.#progress} SET next_offset = $4, updated_at = now() WHERE consumer_id = $1 AND topic = $2 AND "partition" = $3 AND next_offset = $5`),
      text: `UPDATE ${this.#progress} SET next_offset = $4, updated_at = now() WHERE consumer_id = $1 AND topic = $2 AND "partition" = $3 AND next_offset = $5`,
      values: [key.consumerId, key.topic, key.partition, next.toString(), expected.toString()],
    });
    return result.rowCount === 1;
  }

  async upsert(table: TargetTable, columns: readonly TargetColumn[], key: readonly string[], rows: readonly Param[][]): Promise<void> {
    const sql = this.#cached(JSON.stringify(['u', table.name.schema, table.name.table, ...columns.map((c) => c.name)]), () =>
      pgUpsertSql(table.name, columns, key, table.identityAlways),
    );
    await this.#columnar(sql, columns.length, rows);
  }

  async delete(table: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<void> {
    const sql = this.#cached(JSON.stringify(['d', table.name.schema, table.name.table, ...keyColumns.map((c) => c.name)]), () => pgDeleteSql(table.name, keyColumns));
    await this.#columnar(sql, keyColumns.length, keys);
  }

  async rekey(table: TargetTable, setColumns: readonly TargetColumn[], values: readonly Param[], keyColumns: readonly TargetColumn[], oldKey: readonly Param[]): Promise<void> {
    await this.#run(pgRekeySql(table.name, setColumns, keyColumns), [...values, ...oldKey]);
  }

  async truncate(tables: readonly TargetTable[]): Promise<void> {
    await this.#c().query(pgTruncateSql(tables.map((t) => t.name)));
  }

  async begin(mark: TransactionMark): Promise<void> {
    await this.#origin.use(mark.origin);
    await this.#c().query('BEGIN');
  }

  async setSourceCommit(lsn: string | null, commitMicros: bigint): Promise<void> {
    await this.#run("SELECT pg_replication_origin_xact_setup($1::pg_lsn, 'epoch'::timestamptz + $2::bigint * interval '1 microsecond')", [lsn ?? '0/0', commitMicros.toString()]);
  }

  async lockRows(table: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<void> {
    const sql = this.#cached(JSON.stringify(['lr', table.name.schema, table.name.table, ...keyColumns.map((c) => c.name)]), () => pgLockRowsSql(table.name, keyColumns));
    await this.#columnar(sql, keyColumns.length, keys);
  }

  async lockVersions(shadow: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<Array<StoredVersion | undefined>> {
    const names = JSON.stringify([shadow.name.schema, shadow.name.table, ...keyColumns.map((c) => c.name)]);
    await this.#columnar(this.#cached(`vp${names}`, () => pgVersionPlaceholdersSql(shadow.name, keyColumns)), keyColumns.length, keys);
    const out = new Array<StoredVersion | undefined>(keys.length);
    const sql = this.#cached(`vl${names}`, () => pgLockVersionsSql(shadow.name, keyColumns));
    for (let start = 0; start < keys.length; start += MAX_ROWS) {
      const chunk = keys.slice(start, start + MAX_ROWS);
      const arrays = keyColumns.map((_, c) => chunk.map((k) => k[c]));
      for (const row of await this.#run(sql, arrays)) {
        const ts = BigInt(String(row.ts));
        if (ts === 0n) continue; // a placeholder: no version known
        out[start + Number(row.ord) - 1] = { ts, rank: Number(row.rank), node: String(row.node), deleted: Boolean(row.deleted) };
      }
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
    return pgIsTransient(error);
  }

  isLockConflict(error: unknown): boolean {
    return pgIsLockConflict(error);
  }

  isDatabaseError(error: unknown): boolean {
    return pgIsDatabaseError(error);
  }

  describeError(error: unknown): string {
    return pgDescribeError(error);
  }

  /** Runs a statement whose parameters are one text[] per column, cutting the rows into bounded statements. */
  async #columnar(sql: string, width: number, rows: readonly Param[][]): Promise<void> {
    let start = 0;
    while (start < rows.length) {
      let end = start;
      let bytes = 0;
      while (end < rows.length && end - start < MAX_ROWS && bytes < MAX_BYTES) {
        for (const v of rows[end]!) bytes += typeof v === 'string' ? v.length + 3 : 5;
        end++;
      }
      const arrays: Param[][] = Array.from({ length: width }, () => new Array<Param>(end - start));
      for (let r = start; r < end; r++) {
        const row = rows[r]!;
        for (let c = 0; c < width; c++) arrays[c]![r - start] = row[c];
      }
      await this.#run(sql, arrays);
      start = end;
    }
  }

  async #run(text: string, values: unknown[]): Promise<pg.QueryResultRow[]> {
    return (await this.#c().query({ name: this.#name(text), text, values })).rows;
  }

  #name(text: string): string {
    let name = this.#prepared.get(text);
    if (name === undefined) {
      name = `tandem_${this.#prepared.size + 1}`;
      this.#prepared.set(text, name);
    }
    return name;
  }

  #cached(key: string, build: () => string): string {
    let sql = this.#sqlCache.get(key);
    if (sql === undefined) {
      sql = build();
      this.#sqlCache.set(key, sql);
    }
    return sql;
  }

  #c(): pg.Client {
    if (!this.#client) throw new TandemError(ErrorCodes.TARGET_CONNECTION, 'the PostgreSQL target is not connected', { canRetry: true });
    return this.#client;
  }
}
