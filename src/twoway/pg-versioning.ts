import type pg from 'pg';
import { pgDescribeError, pgIsTransient } from '../applier/db-errors.js';
import type { TableName } from '../applier/link-routes.js';
import { pgIdent, pgTable } from '../applier/pg-sql.js';
import { ErrorCodes, isTandemError, TandemError } from '../errors.js';
import { checkKeyColumns, checkVersioningNode, shadowColumnsMissing, shadowKeyMismatch, showTable, type ShadowInfo, type VersioningNode } from './shadow-info.js';
import { boundedName, PG_APPLYING_SETTING, shadowTableName, VERSION_COLUMN_NAMES, VERSION_COLUMNS as V } from './shadow-table.js';

/*
 * PostgreSQL row versioning: the shadow table of a data table and the BEFORE ROW trigger that stamps
 * every local write into it (see shadow-table.ts). The trigger is BEFORE so that the shadow row is
 * written — and logged in the WAL — before its data row. Sessions of an applier set PG_APPLYING_SETTING
 * and write the shadow themselves; the trigger then does nothing.
 */

/** A primary-key column: its name, its type as format_type prints it, its collation when not the type's own. */
export interface PgKeyColumn {
  name: string;
  type: string;
  collation: string | null;
}

/** The one trigger on each versioned table (triggers are named per table in PostgreSQL). */
export const PG_TRIGGER_NAME = 'tandem_version';

export function pgVersionFunctionName(data: TableName): TableName {
  return { schema: data.schema, table: boundedName('tandem_v_fn_', data.table) };
}

/** The tombstone-purge index of a shadow table (index names share the schema's namespace with tables). */
export function pgPurgeIndexName(data: TableName): string {
  return boundedName('tandem_vp_', data.table);
}

/** The key column's declaration: type, collation, NOT NULL. */
export function pgKeyColumnSql(c: PgKeyColumn): string {
  return `${pgIdent(c.name)} ${c.type}${c.collation ? ` COLLATE ${c.collation}` : ''} NOT NULL`;
}

/** CREATE TABLE IF NOT EXISTS for the shadow, and its purge index. */
export function pgShadowDdl(data: TableName, keys: readonly PgKeyColumn[]): string[] {
  const shadow = shadowTableName(data);
  const columns = [
    ...keys.map(pgKeyColumnSql),
    `${V.ts} bigint NOT NULL`,
    `${V.rank} integer NOT NULL`,
    `${V.node} varchar(64) NOT NULL`,
    `${V.deleted} boolean NOT NULL`,
    `${V.prevTs} bigint NOT NULL`,
    `${V.prevRank} integer NOT NULL`,
    `PRIMARY KEY (${keys.map((k) => pgIdent(k.name)).join(', ')})`,
  ];
  return [
    `CREATE TABLE IF NOT EXISTS ${pgTable(shadow)} (${columns.join(', ')})`,
    `CREATE INDEX IF NOT EXISTS ${pgIdent(pgPurgeIndexName(data))} ON ${pgTable(shadow)} (${V.deleted}, ${V.ts})`,
  ];
}

const PG_NOW_MICROS = '(extract(epoch FROM clock_timestamp()) * 1000000)::bigint';

/** Upserts the shadow row of `record`'s key (NEW or OLD) with the next version: GREATEST(now, stored ts + 1). */
function pgStampSql(shadow: TableName, keys: readonly string[], record: 'NEW' | 'OLD', deleted: boolean, node: VersioningNode): string {
  const cols = keys.map(pgIdent);
  const s = 'tandem_s';
  return (
    `INSERT INTO ${pgTable(shadow)} AS ${s} (${[...cols, ...VERSION_COLUMN_NAMES].join(', ')}) ` +
    `VALUES (${[...cols.map((c) => `${record}.${c}`), PG_NOW_MICROS, String(node.rank), `'${node.name}'`, String(deleted), '0', '0'].join(', ')}) ` +
    `ON CONFLICT (${cols.join(', ')}) DO UPDATE SET ` +
    // Right-hand sides see the row as it was: tandem_s.* is the stored version, EXCLUDED.* the new one.
    [
      ...cols.map((c) => `${c} = EXCLUDED.${c}`),
      `${V.ts} = GREATEST(EXCLUDED.${V.ts}, ${s}.${V.ts} + 1)`,
      `${V.rank} = EXCLUDED.${V.rank}`,
      `${V.node} = EXCLUDED.${V.node}`,
      `${V.deleted} = EXCLUDED.${V.deleted}`,
      `${V.prevTs} = ${s}.${V.ts}`,
      `${V.prevRank} = ${s}.${V.rank}`,
    ].join(', ')
  );
}

/** A dollar-quote tag the body does not contain. */
function dollarTag(body: string): string {
  for (let i = 0; ; i++) {
    const tag = i === 0 ? '$tandem$' : `$tandem${i}$`;
    if (!body.includes(tag)) return tag;
  }
}

/**
 * CREATE OR REPLACE FUNCTION for the table's trigger. SECURITY DEFINER (with a fixed search_path), so
 * the roles that write the data table need no grant on the shadow table.
 */
export function pgVersionFunctionSql(data: TableName, keys: readonly string[], node: VersioningNode): string {
  checkVersioningNode(node);
  const shadow = shadowTableName(data);
  const changed = `ROW(${keys.map((k) => `OLD.${pgIdent(k)}`).join(', ')}) IS DISTINCT FROM ROW(${keys.map((k) => `NEW.${pgIdent(k)}`).join(', ')})`;
  const body = [
    '#variable_conflict use_column',
    'BEGIN',
    `  IF current_setting('${PG_APPLYING_SETTING}', true) = 'on' THEN`,
    "    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;",
    '    RETURN NEW;',
    '  END IF;',
    "  IF TG_OP = 'DELETE' THEN",
    `    ${pgStampSql(shadow, keys, 'OLD', true, node)};`,
    '    RETURN OLD;',
    '  END IF;',
    `  IF TG_OP = 'UPDATE' AND ${changed} THEN`,
    `    ${pgStampSql(shadow, keys, 'OLD', true, node)};`,
    '  END IF;',
    `  ${pgStampSql(shadow, keys, 'NEW', false, node)};`,
    '  RETURN NEW;',
    'END',
  ].join('\n');
  const tag = dollarTag(body);
  return (
    `CREATE OR REPLACE FUNCTION ${pgTable(pgVersionFunctionName(data))}() RETURNS trigger LANGUAGE plpgsql ` +
    `SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS ${tag}\n${body}\n${tag}`
  );
}

/** The trigger (PostgreSQL ≥ 14: replaced in place, so the table is never without it). */
export function pgVersionTriggerSql(data: TableName): string {
  return (
    `CREATE OR REPLACE TRIGGER ${pgIdent(PG_TRIGGER_NAME)} BEFORE INSERT OR UPDATE OR DELETE ON ${pgTable(data)} ` +
    `FOR EACH ROW EXECUTE FUNCTION ${pgTable(pgVersionFunctionName(data))}()`
  );
}

/** Deletes up to $2 tombstones older than $1 (µs); the outer condition is rechecked against rows changed meanwhile. */
export function pgPurgeSql(shadow: TableName): string {
  const t = pgTable(shadow);
  const old = `${V.deleted} AND ${V.ts} < $1::bigint`;
  return `DELETE FROM ${t} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${t} WHERE ${old} LIMIT $2::integer)) AND ${old}`;
}

const KEY_COLUMNS_SQL = `
SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS collation
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE n.nspname = $1 AND c.relname = $2
ORDER BY k.ord`;

const TABLE_COLUMNS_SQL = `
SELECT c.relkind::text AS kind, a.attname::text AS name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = $1 AND c.relname = $2`;

/** The table's kind and column names; undefined when there is no such relation. */
async function readTable(client: pg.Client, table: TableName): Promise<{ kind: string; columns: string[] } | undefined> {
  const { rows } = await client.query<{ kind: string; name: string | null }>(TABLE_COLUMNS_SQL, [table.schema, table.table]);
  if (rows.length === 0) return undefined;
  return { kind: rows[0]!.kind, columns: rows.flatMap((r) => (r.name === null ? [] : [r.name])) };
}

export async function readPgKeyColumns(client: pg.Client, table: TableName): Promise<PgKeyColumn[]> {
  const { rows } = await client.query<PgKeyColumn>(KEY_COLUMNS_SQL, [table.schema, table.table]);
  return rows.map((r) => ({ name: r.name, type: r.type, collation: r.collation ?? null }));
}

const describeKey = (keys: readonly PgKeyColumn[]) => keys.map((k) => `${k.name} ${k.type}${k.collation ? ` COLLATE ${k.collation}` : ''}`);

/**
 * Creates (or checks) the shadow table of `table` and (re)installs its trigger stamping `node`'s name
 * and rank, in one transaction: safe to run at every start, and the table is never without its trigger.
 */
export async function installPgVersioning(client: pg.Client, table: TableName, node: VersioningNode): Promise<ShadowInfo> {
  checkVersioningNode(node);
  const shadow = shadowTableName(table);
  await client.query('BEGIN');
  try {
    // Installers of the same database take turns (two processes starting at once).
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tandem.versioning'))");
    const data = await readTable(client, table);
    if (!data || !['r', 'p'].includes(data.kind)) {
      throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `table ${showTable(table)} does not exist (or is not a table); create it, or remove it from the node's tables`);
    }
    const keys = await readPgKeyColumns(client, table);
    checkKeyColumns(table, keys.map((k) => k.name));
    const existing = await readTable(client, shadow);
    if (existing) {
      const shadowKeys = await readPgKeyColumns(client, shadow);
      const want = describeKey(keys);
      const have = describeKey(shadowKeys);
      if (want.join('\n') !== have.join('\n')) throw shadowKeyMismatch(table, shadow, want, have);
      const missing = VERSION_COLUMN_NAMES.filter((c) => !existing.columns.includes(c));
      if (missing.length > 0) throw shadowColumnsMissing(shadow, missing);
    }
    for (const sql of pgShadowDdl(table, keys)) await client.query(sql);
    const keyNames = keys.map((k) => k.name);
    await client.query(pgVersionFunctionSql(table, keyNames, node));
    await client.query(pgVersionTriggerSql(table));
    await client.query('COMMIT');
    return { data: table, shadow, keyColumns: keyNames };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isTandemError(error)) throw error;
    const transient = pgIsTransient(error);
    throw new TandemError(
      transient ? ErrorCodes.PG_CONNECTION : ErrorCodes.PG_PRECONDITION,
      `installing row versioning on ${showTable(table)} failed: ${pgDescribeError(error)}` +
        (transient ? '' : `; the connecting role needs CREATE on schema ${table.schema} and must own ${showTable(table)} (or hold TRIGGER on it)`),
      { canRetry: transient, cause: error },
    );
  }
}

/** Deletes the shadow's tombstones stamped before `beforeMicros`, `chunkRows` per statement; returns how many. */
export async function purgePgTombstones(client: pg.Client, shadow: TableName, beforeMicros: bigint, chunkRows = 1000): Promise<number> {
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive integer, not ${chunkRows}`);
  const sql = pgPurgeSql(shadow);
  let total = 0;
  for (;;) {
    const result = await client.query(sql, [beforeMicros.toString(), chunkRows]);
    const n = result.rowCount ?? 0;
    total += n;
    if (n < chunkRows) return total;
  }
}
