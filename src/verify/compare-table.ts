import { diffRows, type RowDifference } from './diff-rows.js';
import { hashRows } from './range-hash.js';
import type { TablePlan } from './table-plan.js';
import type { CanonicalRow, ReadPlan, TableSide } from './table-reader.js';

export interface TableResult {
  rowsA: number;
  rowsB: number;
  /** Key ranges compared (one per side-A chunk). */
  ranges: number;
  differingRanges: number;
  /** Differing keys found (all of them, even past maxDifferences). */
  differingRows: number;
  differences: RowDifference[];
}

export interface CompareOptions {
  /** Rows per side-A chunk (and per side-B page inside a range). */
  chunkRows: number;
  /** Stop collecting differences after this many (counting goes on). */
  maxDifferences?: number;
  onDifference?: (d: RowDifference) => void;
}

/** All rows of side B in (after, upTo], read page by page. */
async function readRange(side: TableSide, plan: ReadPlan, after: string[] | undefined, upTo: string[] | undefined, pageRows: number): Promise<CanonicalRow[]> {
  const rows: CanonicalRow[] = [];
  let from = after;
  for (;;) {
    const page = await side.read(plan, from, upTo, pageRows);
    for (const r of page) rows.push(r);
    if (page.length < pageRows) return rows;
    from = page[page.length - 1]!.slice(0, plan.keyCount) as string[];
  }
}

/**
 * Compares one table on two sides. Side A is read in chunks by keyset pagination; each chunk's key
 * range (after the previous chunk's last key, up to its own last key; the last range open-ended) is
 * read from side B, both are hashed, and only ranges whose hashes differ are diffed row by row. The
 * next side-A chunk is read while side B answers the current range, so both sides stream together.
 */
export async function compareTable(a: TableSide, b: TableSide, plan: TablePlan, options: CompareOptions): Promise<TableResult> {
  const keyCount = plan.a.keyCount;
  const result: TableResult = { rowsA: 0, rowsB: 0, ranges: 0, differingRanges: 0, differingRows: 0, differences: [] };
  const max = options.maxDifferences ?? Number.POSITIVE_INFINITY;
  let after: string[] | undefined;
  let nextA = a.read(plan.a, undefined, undefined, options.chunkRows);
  for (;;) {
    const aRows = await nextA;
    const last = aRows.length === options.chunkRows ? aRows[aRows.length - 1] : undefined;
    const upTo = last ? (last.slice(0, keyCount) as string[]) : undefined;
    if (upTo) {
      nextA = a.read(plan.a, upTo, undefined, options.chunkRows);
      // Handled here so a failure while side B is being read is not an unhandled rejection; awaited below.
      nextA.catch(() => undefined);
    }
    const bRows = await readRange(b, plan.b, after, upTo, options.chunkRows);
    result.ranges++;
    result.rowsA += aRows.length;
    result.rowsB += bRows.length;
    if (aRows.length !== bRows.length || hashRows(aRows) !== hashRows(bRows)) {
      result.differingRanges++;
      for (const d of diffRows(aRows, bRows, keyCount)) {
        result.differingRows++;
        options.onDifference?.(d);
        if (result.differences.length < max) result.differences.push(d);
      }
    }
    if (!upTo) return result;
    after = upTo;
  }
}
