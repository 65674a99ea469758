import type { TableName } from '../applier/link-routes.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { VERSION_COLUMN_NAMES } from './shadow-table.js';

/** A versioned data table and its shadow table, as installed. */
export interface ShadowInfo {
  data: TableName;
  shadow: TableName;
  /** The data table's primary-key columns, in key order: the shadow's key columns too. */
  keyColumns: string[];
}

/** The node whose writes the triggers stamp: its name and rank are written into the trigger text. */
export interface VersioningNode {
  name: string;
  rank: number;
}

export function showTable(t: TableName): string {
  return `${t.schema}.${t.table}`;
}

/**
 * The node's name and rank go into trigger text as literals: keep them to what the config allows
 * (letters, digits, _ . -; at most 64, the width of tandem_node) and rank a positive 32-bit integer.
 */
export function checkVersioningNode(node: VersioningNode): void {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(node.name)) {
    throw new TandemError(ErrorCodes.CONFIG_INVALID, `node name ${JSON.stringify(node.name)} cannot be stamped into row versions: use 1 to 64 letters, digits, "_", "." or "-"`);
  }
  if (!Number.isInteger(node.rank) || node.rank < 1 || node.rank > 2_147_483_647) {
    throw new TandemError(ErrorCodes.CONFIG_INVALID, `node ${node.name} has rank ${node.rank}; a two-way node needs a unique whole-number rank from 1 (nodes[].rank)`);
  }
}

/** A two-way table needs a primary key, and none of its key columns may carry a version column's name. */
export function checkKeyColumns(data: TableName, keyColumns: readonly string[]): void {
  if (keyColumns.length === 0) {
    throw new TandemError(
      ErrorCodes.APPLY_TARGET_MISMATCH,
      `table ${showTable(data)} has no primary key; two-way tables need one (each row's version is kept by its key): add a PRIMARY KEY to ${showTable(data)}, or replicate it one-way`,
    );
  }
  const clash = keyColumns.find((c) => VERSION_COLUMN_NAMES.includes(c));
  if (clash !== undefined) {
    throw new TandemError(
      ErrorCodes.APPLY_TARGET_MISMATCH,
      `table ${showTable(data)} has a primary-key column named ${clash}, a name its shadow table needs for the row version (${VERSION_COLUMN_NAMES.join(', ')}); rename the column to replicate the table two-way`,
    );
  }
}

/** The existing shadow table's key differs from the data table's: name both and the fix. */
export function shadowKeyMismatch(data: TableName, shadow: TableName, dataKey: readonly string[], shadowKey: readonly string[]): TandemError {
  return new TandemError(
    ErrorCodes.APPLY_TARGET_MISMATCH,
    `shadow table ${showTable(shadow)} has the key (${shadowKey.join(', ')}) but ${showTable(data)} has (${dataKey.join(', ')}) — the primary key changed since the shadow was made. ` +
      `Stop the two-way links of this table, drop the shadow table ${showTable(shadow)} (its row versions are lost; the next start recreates it), then start again`,
  );
}

/** The existing shadow table lacks version columns (not made by Tandem, or altered). */
export function shadowColumnsMissing(shadow: TableName, missing: readonly string[]): TandemError {
  return new TandemError(
    ErrorCodes.APPLY_TARGET_MISMATCH,
    `table ${showTable(shadow)} exists but lacks the version columns ${missing.join(', ')}; it is not a Tandem shadow table as this version makes them: rename or drop it so Tandem can create its own`,
  );
}
