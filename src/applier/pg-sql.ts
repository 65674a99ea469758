import type { TableName } from './link-routes.js';
import type { TargetColumn } from './target-table.js';

/*
 * PostgreSQL statement text for the applier. Every identifier is double-quoted with quotes doubled,
 * whatever it holds. Rows travel as one text[] parameter per column, unnested and cast to each column's
 * type: one statement (and one prepared plan) per table and column set, whatever the row count.
 * Casts go to the type without its modifier, so the column's own modifier applies as an assignment,
 * which raises an error where an explicit cast would silently truncate (varchar(n)).
 */

export function pgIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function pgTable(name: TableName): string {
  return `${pgIdent(name.schema)}.${pgIdent(name.table)}`;
}

function unnestSource(columns: readonly TargetColumn[], firstParam = 1): string {
  const arrays = columns.map((_, i) => `$${i + firstParam}::text[]`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`).join(', ');
  const casts = columns.map((c, i) => `u.c${i}::${c.castType}`).join(', ');
  return `SELECT ${casts} FROM unnest(${arrays}) AS u(${aliases})`;
}

/** INSERT … SELECT FROM unnest(…) ON CONFLICT (key) DO UPDATE SET the non-key columns (DO NOTHING without any). */
export function pgUpsertSql(table: TableName, columns: readonly TargetColumn[], key: readonly string[], overridingSystemValue: boolean): string {
  const keySet = new Set(key);
  const updates = columns.filter((c) => !keySet.has(c.name)).map((c) => `${pgIdent(c.name)} = EXCLUDED.${pgIdent(c.name)}`);
  return (
    `INSERT INTO ${pgTable(table)} (${columns.map((c) => pgIdent(c.name)).join(', ')})` +
    (overridingSystemValue ? ' OVERRIDING SYSTEM VALUE ' : ' ') +
    unnestSource(columns) +
    ` ON CONFLICT (${key.map(pgIdent).join(', ')}) ` +
    (updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING')
  );
}

/** DELETE the rows whose key is in the unnested key arrays. */
export function pgDeleteSql(table: TableName, keyColumns: readonly TargetColumn[]): string {
  return `DELETE FROM ${pgTable(table)} WHERE (${keyColumns.map((c) => pgIdent(c.name)).join(', ')}) IN (${unnestSource(keyColumns)})`;
}

/** UPDATE one row by its old key, setting the new key and the other given columns (a key change that must keep unsent columns). */
export function pgRekeySql(table: TableName, setColumns: readonly TargetColumn[], keyColumns: readonly TargetColumn[]): string {
  const sets = setColumns.map((c, i) => `${pgIdent(c.name)} = $${i + 1}::${c.castType}`).join(', ');
  const where = keyColumns.map((c, i) => `${pgIdent(c.name)} = $${setColumns.length + i + 1}::${c.castType}`).join(' AND ');
  return `UPDATE ${pgTable(table)} SET ${sets} WHERE ${where}`;
}

export function pgTruncateSql(tables: readonly TableName[]): string {
  return `TRUNCATE ${tables.map(pgTable).join(', ')}`;
}

const VERSION_PLACEHOLDER = "0, 0, '', false, 0, 0";
const VERSION_NAMES = ['tandem_ts', 'tandem_rank', 'tandem_node', 'tandem_deleted', 'tandem_prev_ts', 'tandem_prev_rank'].map(pgIdent).join(', ');

/** Gives every key without a shadow row a placeholder (version 0), waiting for concurrent inserters of the same key. */
export function pgVersionPlaceholdersSql(shadow: TableName, keyColumns: readonly TargetColumn[]): string {
  const casts = keyColumns.map((c, i) => `u.c${i}::${c.castType}`).join(', ');
  const arrays = keyColumns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const aliases = keyColumns.map((_, i) => `c${i}`).join(', ');
  return (
    `INSERT INTO ${pgTable(shadow)} (${keyColumns.map((c) => pgIdent(c.name)).join(', ')}, ${VERSION_NAMES}) ` +
    `SELECT ${casts}, ${VERSION_PLACEHOLDER} FROM unnest(${arrays}) AS u(${aliases}) ON CONFLICT DO NOTHING`
  );
}

/** Locks the shadow rows of the given keys and returns their versions with each key's 1-based position (ord). */
export function pgLockVersionsSql(shadow: TableName, keyColumns: readonly TargetColumn[]): string {
  const arrays = keyColumns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const aliases = keyColumns.map((_, i) => `c${i}`).join(', ');
  const join = keyColumns.map((c, i) => `s.${pgIdent(c.name)} = u.c${i}::${c.castType}`).join(' AND ');
  return (
    'SELECT u.ord, s.tandem_ts::text AS ts, s.tandem_rank AS rank, s.tandem_node AS node, s.tandem_deleted AS deleted ' +
    `FROM unnest(${arrays}) WITH ORDINALITY AS u(${aliases}, ord) JOIN ${pgTable(shadow)} s ON ${join} FOR UPDATE OF s`
  );
}

/** Locks the existing rows of the given keys, in key order (the order local UPDATE/DELETE statements lock them in). */
export function pgLockRowsSql(table: TableName, keyColumns: readonly TargetColumn[]): string {
  const cols = keyColumns.map((c) => pgIdent(c.name)).join(', ');
  return `SELECT 1 FROM ${pgTable(table)} WHERE (${cols}) IN (${unnestSource(keyColumns)}) ORDER BY ${cols} FOR UPDATE`;
}
