import { showTable, type TableRoute } from '../applier/link-routes.js';
import type { TargetTable } from '../applier/target-table.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { pairNormaliser } from './normalise.js';
import type { ReadPlan } from './table-reader.js';

/** How one table pair is compared: the read plan of each side (same column order) and what is left out. */
export interface TablePlan {
  a: ReadPlan;
  b: ReadPlan;
  /** Side A's names of the compared columns, for output. */
  names: string[];
  /** Side A columns with no counterpart on side B (not compared). */
  skipped: string[];
}

/**
 * Pairs the columns of side A's table with side B's through the route's renames, key (A's primary key,
 * or the link's configured key) first. Throws VERIFY_TABLE when a table, its key or a key column is missing.
 */
export function planTable(route: TableRoute, a: TargetTable | undefined, b: TargetTable | undefined): TablePlan {
  if (!a) throw new TandemError(ErrorCodes.VERIFY_TABLE, `table ${showTable(route.source)} does not exist on the first node; check the config's tables`);
  if (!b) throw new TandemError(ErrorCodes.VERIFY_TABLE, `table ${showTable(route.target)} does not exist on the second node; create it or map the table under links[].tables`);
  const rename = (c: string): string => route.columns.get(c) ?? c;
  const aKey = a.primaryKey.length > 0 ? a.primaryKey : (a.uniqueKeys[0] ?? []);
  if (aKey.length === 0) {
    throw new TandemError(ErrorCodes.VERIFY_TABLE, `table ${showTable(route.source)} has no primary key or unique key; verify compares rows by key, so add one`);
  }
  const keyColumns = aKey;
  for (const k of keyColumns) {
    if (!b.columns.has(rename(k))) {
      throw new TandemError(ErrorCodes.VERIFY_TABLE, `key column ${k} of ${showTable(route.source)} has no column ${rename(k)} in ${showTable(route.target)}; map it under links[].columns`);
    }
  }
  const bytesKey = keyColumns.find((k) => a.columns.get(k)?.type?.kind === 'bytes' || b.columns.get(rename(k))?.type?.kind === 'bytes');
  if (bytesKey !== undefined) {
    throw new TandemError(ErrorCodes.VERIFY_TABLE, `key column ${bytesKey} of ${showTable(route.source)} holds bytes; verify cannot page by a binary key yet`);
  }
  const others = [...a.columns.keys()].filter((c) => !keyColumns.includes(c));
  const skipped = others.filter((c) => !b.columns.has(rename(c)));
  const names = [...keyColumns, ...others.filter((c) => b.columns.has(rename(c)))];
  const aCols = names.map((c) => a.columns.get(c)!);
  const bCols = names.map((c) => b.columns.get(rename(c))!);
  const normalisers = names.map((_, i) => pairNormaliser(aCols[i]!.type, bCols[i]!.type));
  const numeric = (i: number): boolean => [aCols[i]!.type?.kind, bCols[i]!.type?.kind].every((k) => k === 'int16' || k === 'int32' || k === 'int64' || k === 'decimal');
  const numericKey = keyColumns.map((_, i) => numeric(i));
  const bytes = (cols: typeof aCols): boolean[] => cols.map((c) => c.type?.kind === 'bytes');
  const float32 = (cols: typeof aCols): boolean[] => cols.map((c) => c.type?.kind === 'float32');
  return {
    a: { table: a.name, columns: names, keyCount: keyColumns.length, normalisers, bytes: bytes(aCols), float32: float32(aCols), numericKey },
    b: { table: b.name, columns: names.map(rename), keyCount: keyColumns.length, normalisers, bytes: bytes(bCols), float32: float32(bCols), numericKey },
    names,
    skipped,
  };
}
