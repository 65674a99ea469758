import { describe, expect, it } from 'vitest';
import { compareTable } from '../../../src/verify/compare-table.js';
import type { TablePlan } from '../../../src/verify/table-plan.js';
import type { CanonicalRow, ReadPlan, TableSide } from '../../../src/verify/table-reader.js';

/** An in-memory side over integer keys, answering keyset reads like the SQL does. */
function side(rows: CanonicalRow[]): TableSide & { reads: number } {
  const sorted = [...rows].sort((x, y) => Number(x[0]) - Number(y[0]));
  const s = {
    engine: 'postgres' as const,
    reads: 0,
    describe: () => Promise.resolve(undefined),
    read: (_plan: ReadPlan, after: string[] | undefined, upTo: string[] | undefined, limit: number) => {
      s.reads++;
      const out = sorted.filter((r) => (after === undefined || Number(r[0]) > Number(after[0])) && (upTo === undefined || Number(r[0]) <= Number(upTo[0])));
      return Promise.resolve(out.slice(0, limit));
    },
    close: () => Promise.resolve(),
  };
  return s;
}

const readPlan: ReadPlan = { table: { schema: 's', table: 't' }, columns: ['id', 'v'], keyCount: 1, normalisers: [(t) => t, (t) => t], bytes: [false, false], float32: [false, false], numericKey: [true] };
const plan: TablePlan = { a: readPlan, b: readPlan, names: ['id', 'v'], skipped: [] };
const rows = (ids: number[], v = 'x'): CanonicalRow[] => ids.map((i) => [String(i), v]);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('verify compareTable', () => {
  it('finds equal sides equal over many ranges', async () => {
    const r = await compareTable(side(rows(range(1, 95))), side(rows(range(1, 95))), plan, { chunkRows: 10 });
    expect([r.rowsA, r.rowsB, r.ranges, r.differingRanges, r.differingRows]).toEqual([95, 95, 10, 0, 0]);
  });

  it('finds changed, missing and extra rows, including B rows past the end of A and B ranges larger than a chunk', async () => {
    const a = rows(range(1, 50));
    const b = [...rows(range(1, 50).filter((i) => i !== 17)), ...rows(range(100, 130))].map((r) => (r[0] === '33' ? ['33', 'y'] : r));
    // A key range of side A (21..30 etc.) holds as many rows on B; 41..50 is followed by 31 B-only rows.
    const r = await compareTable(side(a), side(b), plan, { chunkRows: 10, maxDifferences: 5 });
    expect(r.differingRows).toBe(33);
    expect(r.differences.map((d) => [d.key[0], d.a?.[1], d.b?.[1]])).toEqual([
      ['17', 'x', undefined],
      ['33', 'x', 'y'],
      ['100', undefined, 'x'],
      ['101', undefined, 'x'],
      ['102', undefined, 'x'],
    ]);
  });

  it('reads everything of B when A is empty', async () => {
    const r = await compareTable(side([]), side(rows(range(1, 25))), plan, { chunkRows: 10 });
    expect([r.rowsA, r.rowsB, r.differingRows]).toEqual([0, 25, 25]);
  });
});
