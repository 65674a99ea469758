import { createHash } from 'node:crypto';
import type { CanonicalRow } from './table-reader.js';

/**
 * The text a canonical row hashes and compares as: each value length-prefixed ("3:abc"), NULL as "-",
 * so NULL stays distinct from '' and no two rows share a text.
 */
export function rowText(row: CanonicalRow): string {
  let s = '';
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    s += v === null || v === undefined ? '-' : `${v.length}:${v}`;
  }
  return s;
}

export function keyText(row: CanonicalRow, keyCount: number): string {
  return JSON.stringify(row.slice(0, keyCount));
}

/** SHA-256 over the canonical rows of a key range, in key order: equal on both engines when the rows are. */
export function hashRows(rows: readonly CanonicalRow[]): string {
  const hash = createHash('sha256');
  let batch = '';
  for (let r = 0; r < rows.length; r++) {
    batch += `${rowText(rows[r]!)}\n`;
    if (batch.length > 1 << 20) {
      hash.update(batch);
      batch = '';
    }
  }
  hash.update(batch);
  return hash.digest('hex');
}
