import { createHash } from 'node:crypto';
import type { TableName } from '../applier/link-routes.js';

/**
 * Every versioned table T has a shadow table next to it (same schema / database), `tandem_v_<T>`: one row
 * per key T ever had, holding the key columns (same names and types as T's primary key) and the row's
 * version. Local writes stamp it through triggers on T; appliers write it themselves in the transaction
 * that applies a change. See docs/ARCHITECTURE.md, "Two-way sync".
 */
export const SHADOW_PREFIX = 'tandem_v_';

/** The version columns of a shadow table (after the key columns). */
export const VERSION_COLUMNS = {
  /** bigint: hybrid-logical-clock time of the row's last write, µs since the epoch. */
  ts: 'tandem_ts',
  /** int: rank of the node that stamped ts. */
  rank: 'tandem_rank',
  /** varchar(64): name of that node. */
  node: 'tandem_node',
  /** boolean: the last write deleted the row (the shadow row is its tombstone). */
  deleted: 'tandem_deleted',
  /** bigint, int: the version the row had before that write (0, 0: none). */
  prevTs: 'tandem_prev_ts',
  prevRank: 'tandem_prev_rank',
} as const;

/** PostgreSQL allows 63 bytes in a name, MySQL 64 characters: keep under both. */
const MAX_NAME = 63;

export function shadowTableName(data: TableName): TableName {
  const plain = `${SHADOW_PREFIX}${data.table}`;
  if (Buffer.byteLength(plain) <= MAX_NAME) return { schema: data.schema, table: plain };
  const digest = createHash('sha1').update(data.table).digest('hex').slice(0, 8);
  let head = data.table;
  while (Buffer.byteLength(`${SHADOW_PREFIX}${head}_${digest}`) > MAX_NAME) head = head.slice(0, -1);
  return { schema: data.schema, table: `${SHADOW_PREFIX}${head}_${digest}` };
}

/** PostgreSQL: the applier's sessions set this (custom) setting to 'on'; the triggers then leave the shadow to the applier. */
export const PG_APPLYING_SETTING = 'tandem.applying';
/** MySQL/MariaDB: the applier's sessions set this user variable to 1, with the same meaning. */
export const MYSQL_APPLYING_VARIABLE = '@tandem_applying';

/**
 * `prefix` + `name`, kept within MAX_NAME bytes: a name that does not fit is cut (at a character
 * boundary) and followed by `_` and 8 hex digits of the SHA-1 of the whole name, so long names stay
 * distinct.
 */
export function boundedName(prefix: string, name: string): string {
  const plain = `${prefix}${name}`;
  if (Buffer.byteLength(plain) <= MAX_NAME) return plain;
  const digest = createHash('sha1').update(name).digest('hex').slice(0, 8);
  const chars = Array.from(name);
  while (Buffer.byteLength(`${prefix}${chars.join('')}_${digest}`) > MAX_NAME) chars.pop();
  return `${prefix}${chars.join('')}_${digest}`;
}

/** The version columns' names, in shadow-table order. */
export const VERSION_COLUMN_NAMES: readonly string[] = Object.values(VERSION_COLUMNS);
