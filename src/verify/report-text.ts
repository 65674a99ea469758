import { showTable } from '../applier/link-routes.js';
import type { RowDifference } from './diff-rows.js';
import type { CanonicalRow } from './table-reader.js';
import type { TableVerdict } from './verify-run.js';

function rowObject(names: readonly string[], row: CanonicalRow): string {
  const o: Record<string, string | null> = {};
  names.forEach((n, i) => (o[n] = row[i] ?? null));
  return JSON.stringify(o);
}

/** "id=5, line=2": a key in side A's column names, values in canonical text. */
export function keyLabel(names: readonly string[], key: ReadonlyArray<string | null>): string {
  return key.map((v, i) => `${names[i]}=${v === null ? 'NULL' : JSON.stringify(v)}`).join(', ');
}

export function differenceLines(names: readonly string[], d: RowDifference, fromName: string, toName: string): string[] {
  const width = Math.max(fromName.length, toName.length);
  const side = (label: string, row: CanonicalRow | undefined): string => `    ${label.padEnd(width)}: ${row ? rowObject(names, row) : '(no row)'}`;
  const what = d.a === undefined ? `only on ${toName}` : d.b === undefined ? `only on ${fromName}` : 'values differ';
  return [`  key ${keyLabel(names, d.key)}: ${what}`, side(fromName, d.a), side(toName, d.b)];
}

/** The summary line of one table, then each differing key with both sides' values. */
export function tableLines(v: TableVerdict, fromName: string, toName: string): string[] {
  const rate = v.seconds > 0 ? Math.round(Math.max(v.rowsA, v.rowsB) / v.seconds) : 0;
  const lines = [
    `${showTable(v.route.source)} -> ${showTable(v.route.target)}: ${v.rowsA} rows on ${fromName}, ${v.rowsB} rows on ${toName}, ` +
      `${v.differingRows} differing key${v.differingRows === 1 ? '' : 's'} (${v.seconds.toFixed(2)} s, ${rate} rows/s per side)`,
  ];
  if (v.skipped.length > 0) lines.push(`  not compared (no such column on ${toName}): ${v.skipped.join(', ')}`);
  for (const d of v.differences) lines.push(...differenceLines(v.names, d, fromName, toName));
  if (v.differences.length < v.differingRows) lines.push(`  ... and ${v.differingRows - v.differences.length} more`);
  return lines;
}
