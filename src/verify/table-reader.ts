import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TableName } from '../applier/link-routes.js';
import { readMysqlTargetTable } from '../applier/mysql-target-catalog.js';
import { readPgTargetTable } from '../applier/pg-target-catalog.js';
import type { TargetTable } from '../applier/target-table.js';
import type { ConnectionConfig } from '../config/schema.js';
import { mysqlConnectionOptions } from '../mysql/connection.js';
import { serverInfo } from '../mysql/preconditions.js';
import { pgClientConfig } from '../postgres/connection.js';
import type { Normaliser } from './normalise.js';

/** A row as canonical text per selected column (key columns first), NULL as null. */
export type CanonicalRow = Array<string | null>;

/** What to read of one table: the columns in compare order (key first) and each one's normaliser. */
export interface ReadPlan {
  table: TableName;
  columns: string[];
  keyCount: number;
  normalisers: Normaliser[];
  /** Columns the engine prints as bytes: MySQL selects them as HEX(). */
  bytes: boolean[];
  /** Single-precision float columns: MySQL prints FLOAT rounded to 6 digits, so they are selected as DOUBLE (exact). */
  float32: boolean[];
  /** Per key column: integer or decimal, so MySQL gets the bound as a number literal (a string would compare as a double). */
  numericKey: boolean[];
}

/**
 * One side of a verify: reads rows ordered by primary key, keyset-paginated. `after`/`upTo` are
 * canonical key texts (exclusive lower bound, inclusive upper bound), undefined for an open end.
 */
export interface TableSide {
  readonly engine: 'postgres' | 'mysql';
  describe(name: TableName): Promise<TargetTable | undefined>;
  read(plan: ReadPlan, after: string[] | undefined, upTo: string[] | undefined, limit: number): Promise<CanonicalRow[]>;
  close(): Promise<void>;
}

function normaliseRows(raw: unknown[][], plan: ReadPlan): CanonicalRow[] {
  const n = plan.normalisers;
  const out: CanonicalRow[] = new Array<CanonicalRow>(raw.length);
  for (let r = 0; r < raw.length; r++) {
    const src = raw[r]!;
    const row: CanonicalRow = new Array<string | null>(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      row[i] = v === null || v === undefined ? null : n[i]!(String(v));
    }
    out[r] = row;
  }
  return out;
}

const pgIdent = (s: string): string => `"${s.replaceAll('"', '""')}"`;
const myIdent = (s: string): string => `\`${s.replaceAll('`', '``')}\``;

/** `(k1, k2) > (a, b)` written out as ORs, for engines whose row comparison may not use the index. */
function expandedCompare(keys: string[], op: '>' | '<=', param: () => string): string {
  const strict = op === '>' ? '>' : '<';
  const terms: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const eqs = keys.slice(0, i).map((k) => `${k} = ${param()}`);
    const last = i === keys.length - 1 && op === '<=' ? '<=' : strict;
    terms.push([...eqs, `${keys[i]} ${last} ${param()}`].join(' AND '));
  }
  return `(${terms.map((t) => `(${t})`).join(' OR ')})`;
}

/** Every PostgreSQL value as its text (the catalog queries keep pg's own parsers). */
const TEXT_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

class PgSide implements TableSide {
  readonly engine = 'postgres' as const;
  constructor(private readonly client: pg.Client) {}

  describe(name: TableName): Promise<TargetTable | undefined> {
    return readPgTargetTable(this.client, name);
  }

  async read(plan: ReadPlan, after: string[] | undefined, upTo: string[] | undefined, limit: number): Promise<CanonicalRow[]> {
    const keys = plan.columns.slice(0, plan.keyCount).map(pgIdent);
    const params: string[] = [];
    const bind = (values: string[]): string => `(${values.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`;
    const where: string[] = [];
    if (after) where.push(`(${keys.join(', ')}) > ${bind(after)}`);
    if (upTo) where.push(`(${keys.join(', ')}) <= ${bind(upTo)}`);
    const text =
      `SELECT ${plan.columns.map(pgIdent).join(', ')} FROM ${pgIdent(plan.table.schema)}.${pgIdent(plan.table.table)}` +
      `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keys.join(', ')} LIMIT ${limit}`;
    const result = await this.client.query<unknown[]>({ text, values: params, rowMode: 'array', types: TEXT_TYPES });
    return normaliseRows(result.rows, plan);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

const NUMBER = /^-?\d{1,65}(\.\d{1,38})?$/;

class MysqlSide implements TableSide {
  readonly engine = 'mysql' as const;
  constructor(
    private readonly sql: mysql.Connection,
    private readonly flavor: 'mariadb' | 'mysql',
  ) {}

  describe(name: TableName): Promise<TargetTable | undefined> {
    return readMysqlTargetTable(this.sql, name, this.flavor);
  }

  async read(plan: ReadPlan, after: string[] | undefined, upTo: string[] | undefined, limit: number): Promise<CanonicalRow[]> {
    const keys = plan.columns.slice(0, plan.keyCount).map(myIdent);
    const params: string[] = [];
    const where: string[] = [];
    const bind = (values: string[]): (() => string) => {
      // Each key value is used once per term it appears in: hand them out in the order the SQL uses them.
      const order: number[] = [];
      for (let i = 0; i < values.length; i++) for (let j = 0; j <= i; j++) order.push(j);
      let next = 0;
      return () => {
        const i = order[next++]!;
        const v = values[i]!;
        if (plan.numericKey[i] && NUMBER.test(v)) return v;
        params.push(v);
        return '?';
      };
    };
    if (after) where.push(expandedCompare(keys, '>', bind(after)));
    if (upTo) where.push(expandedCompare(keys, '<=', bind(upTo)));
    const select = plan.columns.map((c, i) => (plan.bytes[i] ? `HEX(${myIdent(c)})` : plan.float32[i] ? `CAST(${myIdent(c)} AS DOUBLE)` : myIdent(c)));
    const text =
      `SELECT ${select.join(', ')} FROM ${myIdent(plan.table.schema)}.${myIdent(plan.table.table)}` +
      `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${keys.join(', ')} LIMIT ${limit}`;
    const [rows] = await this.sql.query<mysql.RowDataPacket[]>({ sql: text, values: params, rowsAsArray: true });
    return normaliseRows(rows as unknown as unknown[][], plan);
  }

  close(): Promise<void> {
    return this.sql.end();
  }
}

/** Opens one side: a session in UTC that returns every value as text. */
export async function openSide(engine: 'postgres' | 'mysql', connection: ConnectionConfig): Promise<TableSide> {
  if (engine === 'postgres') {
    const client = new pg.Client(pgClientConfig(connection, { application_name: 'tandem-verify' }));
    client.on('error', () => undefined);
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET extra_float_digits = 1; SET bytea_output = 'hex'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
    return new PgSide(client);
  }
  const sql = await mysql.createConnection({
    ...mysqlConnectionOptions(connection),
    typeCast: (field, next) => (field.type === 'GEOMETRY' ? next() : field.string()),
  });
  await sql.query("SET time_zone = '+00:00'");
  return new MysqlSide(sql, (await serverInfo(sql)).flavor);
}
