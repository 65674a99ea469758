import type { MysqlFlavor } from '../mysql/mysql-position.js';
import type { TableName } from './link-routes.js';

/*
 * MySQL/MariaDB statement text for the applier. Identifiers are back-quoted with back-quotes doubled,
 * whatever they hold. Multi-row statements are built for a fixed set of row counts (ROW_BUCKETS), so the
 * prepared statements a connection keeps stay few and are reused.
 */

export function myIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

export function myTable(name: TableName): string {
  return `${myIdent(name.schema)}.${myIdent(name.table)}`;
}

/** Row counts multi-row statements are prepared for; a batch is cut into these. */
export const ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] as const;

/** Splits `rows` into bucket-sized counts, largest first, at most `maxRows` per statement. */
export function bucketSizes(rows: number, maxRows: number): number[] {
  const sizes: number[] = [];
  const buckets = ROW_BUCKETS.filter((b) => b <= Math.max(1, maxRows));
  let left = rows;
  for (let i = buckets.length - 1; i >= 0 && left > 0; i--) {
    const b = buckets[i]!;
    while (left >= b) {
      sizes.push(b);
      left -= b;
    }
  }
  return sizes;
}

/**
 * INSERT … VALUES (…)×rows ON DUPLICATE KEY UPDATE every non-key column. MariaDB (and MySQL before
 * 8.0.19) name the new row VALUES(col); MySQL 8.0.19+ deprecates that for a row alias.
 */
export function myUpsertSql(table: TableName, columns: readonly string[], key: readonly string[], rows: number, flavor: MysqlFlavor): string {
  const keySet = new Set(key);
  const row = `(${columns.map(() => '?').join(', ')})`;
  const values = new Array<string>(rows).fill(row).join(', ');
  const updated = columns.filter((c) => !keySet.has(c));
  const targets = updated.length > 0 ? updated : [key[0]!];
  const alias = flavor === 'mysql';
  const sets = targets.map((c) => `${myIdent(c)} = ${alias ? `tandem_new.${myIdent(c)}` : `VALUES(${myIdent(c)})`}`);
  return (
    `INSERT INTO ${myTable(table)} (${columns.map(myIdent).join(', ')}) VALUES ${values}` +
    `${alias ? ' AS tandem_new' : ''} ON DUPLICATE KEY UPDATE ${sets.join(', ')}`
  );
}

/** DELETE by key: `k IN (?, …)` for one key column, `(a = ? AND b = ?) OR …` for several. */
export function myDeleteSql(table: TableName, key: readonly string[], rows: number): string {
  if (key.length === 1) return `DELETE FROM ${myTable(table)} WHERE ${myIdent(key[0]!)} IN (${new Array<string>(rows).fill('?').join(', ')})`;
  const one = `(${key.map((k) => `${myIdent(k)} = ?`).join(' AND ')})`;
  return `DELETE FROM ${myTable(table)} WHERE ${new Array<string>(rows).fill(one).join(' OR ')}`;
}

export function myRekeySql(table: TableName, setColumns: readonly string[], key: readonly string[]): string {
  return `UPDATE ${myTable(table)} SET ${setColumns.map((c) => `${myIdent(c)} = ?`).join(', ')} WHERE ${key.map((k) => `${myIdent(k)} = ?`).join(' AND ')}`;
}

/** TRUNCATE would commit the transaction in MySQL; DELETE keeps it atomic with the rest of the batch. */
export function myTruncateSql(table: TableName): string {
  return `DELETE FROM ${myTable(table)}`;
}

const VERSION_NAMES = ['tandem_ts', 'tandem_rank', 'tandem_node', 'tandem_deleted', 'tandem_prev_ts', 'tandem_prev_rank'].map(myIdent).join(', ');

/** Gives every key without a shadow row a placeholder (version 0) and locks the existing ones (a no-op update takes the lock). */
export function myVersionPlaceholdersSql(shadow: TableName, key: readonly string[], rows: number): string {
  const row = `(${key.map(() => '?').join(', ')}, 0, 0, '', 0, 0, 0)`;
  return (
    `INSERT INTO ${myTable(shadow)} (${key.map(myIdent).join(', ')}, ${VERSION_NAMES}) VALUES ${new Array<string>(rows).fill(row).join(', ')} ` +
    'ON DUPLICATE KEY UPDATE `tandem_ts` = `tandem_ts`'
  );
}

/** Reads (locking) the shadow rows of `rows` keys, each given as (position, key values…); returns ord = that position. */
export function myLockVersionsSql(shadow: TableName, key: readonly string[], rows: number): string {
  const first = `SELECT ? AS ord, ${key.map((k, i) => `? AS k${i}`).join(', ')}`;
  const rest = `SELECT ?, ${key.map(() => '?').join(', ')}`;
  const keys = [first, ...new Array<string>(rows - 1).fill(rest)].join(' UNION ALL ');
  const join = key.map((k, i) => `s.${myIdent(k)} = t.k${i}`).join(' AND ');
  return (
    'SELECT t.ord AS ord, CAST(s.tandem_ts AS CHAR) AS ts, s.tandem_rank AS `rank`, s.tandem_node AS node, s.tandem_deleted AS deleted ' +
    `FROM (${keys}) AS t JOIN ${myTable(shadow)} AS s ON ${join} FOR UPDATE`
  );
}

/** Locks the existing rows of `rows` keys, in key order. */
export function myLockRowsSql(table: TableName, key: readonly string[], rows: number): string {
  const first = `SELECT ${key.map((k, i) => `? AS k${i}`).join(', ')}`;
  const rest = `SELECT ${key.map(() => '?').join(', ')}`;
  const keys = [first, ...new Array<string>(rows - 1).fill(rest)].join(' UNION ALL ');
  const join = key.map((k, i) => `t.${myIdent(k)} = u.k${i}`).join(' AND ');
  return `SELECT 1 FROM ${myTable(table)} AS t JOIN (${keys}) AS u ON ${join} ORDER BY ${key.map((k) => `t.${myIdent(k)}`).join(', ')} FOR UPDATE`;
}
