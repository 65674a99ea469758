import { expect } from 'vitest';
import { ApplierFixture } from './applier-fixture.js';
import { firstDifferences, markAndWait, NAMED, readTables, runWorkload, WIDE, workloadDdl, type Direction } from './applier-workload.js';

/**
 * The end-to-end check of one direction: a reader and an applier in this process, `ops` random changes
 * written into the source, then the target must equal the source row by row (the counter column, which
 * every update increments, shows no update was applied twice or lost).
 */
export async function endToEnd(fx: ApplierFixture, d: Direction, ops: number, seed: number): Promise<{ written: number; seconds: number; applier: ReturnType<ApplierFixture['startApplier']>['applier']['stats'] }> {
  await fx.setup({ tables: [WIDE, NAMED], sourceDdl: workloadDdl(d.src, d), targetDdl: workloadDdl(d.dst, d), link: { batchMaxRows: 5000 } });
  const reader = await fx.startReader();
  const running = fx.startApplier();
  const failure = () => reader.failure() ?? running.failure();
  const started = Date.now();
  const written = await runWorkload(fx.source, d, ops, seed);
  await markAndWait(fx.source, fx.target, 150_000, failure);
  const seconds = (Date.now() - started) / 1000;
  await running.stop();
  await reader.stop();
  const source = await readTables(fx.source, d);
  const target = await readTables(fx.target, d);
  expect(firstDifferences(source.wide, target.wide)).toEqual([]);
  expect(firstDifferences(source.named, target.named)).toEqual([]);
  expect(target.wide.length).toBe(source.wide.length);
  expect(target.named.length).toBe(source.named.length);
  return { written, seconds, applier: running.applier.stats };
}
