import { keyText, rowText } from './range-hash.js';
import type { CanonicalRow } from './table-reader.js';

/** One differing key: a row present on one side only (the other is undefined), or with different values. */
export interface RowDifference {
  key: Array<string | null>;
  a: CanonicalRow | undefined;
  b: CanonicalRow | undefined;
}

/** The differing rows of one key range, read from both sides, in side A's key order then B-only rows. */
export function diffRows(aRows: readonly CanonicalRow[], bRows: readonly CanonicalRow[], keyCount: number): RowDifference[] {
  const bByKey = new Map<string, CanonicalRow>();
  for (const row of bRows) bByKey.set(keyText(row, keyCount), row);
  const out: RowDifference[] = [];
  for (const a of aRows) {
    const k = keyText(a, keyCount);
    const b = bByKey.get(k);
    if (b === undefined) out.push({ key: a.slice(0, keyCount), a, b: undefined });
    else {
      bByKey.delete(k);
      if (rowText(a) !== rowText(b)) out.push({ key: a.slice(0, keyCount), a, b });
    }
  }
  for (const b of bByKey.values()) out.push({ key: b.slice(0, keyCount), a: undefined, b });
  return out;
}
