import { afterAll, describe, expect, it } from 'vitest';
import { ApplierFixture, waitForExit } from './helpers/applier-fixture.js';
import { firstDifferences, markAndWait, NAMED, newKeyState, readTables, runWorkload, WIDE, workloadDdl, type Direction } from './helpers/applier-workload.js';

/*
 * ordering: key — the changes topic has 4 partitions (order per row), and two applier instances share
 * them through the Kafka consumer group: one starts, a second joins (rebalance), the first is killed
 * with SIGKILL (its partitions move once the group notices) and comes back. Each partition's progress
 * is moved with an optimistic check, so two instances that both believe they own a partition during a
 * rebalance cannot both apply its records. In the end the target equals the source row by row.
 * (Primary-key changes and TRUNCATE are left out: ordering: key orders changes per row, and a key change
 * or a truncate spans rows of several partitions — see docs/ARCHITECTURE.md.)
 */
const d: Direction = { src: 'postgres', dst: 'mysql' };

function assignments(stderr: string): number[][] {
  return stderr
    .split('\n')
    .filter((line) => line.includes('"applying partitions"'))
    .map((line) => (JSON.parse(line) as { partitions: number[] }).partitions);
}

describe('applier: ordering: key with two instances', () => {
  const fx = new ApplierFixture(d.src, d.dst);
  afterAll(async () => {
    await fx.cleanup();
  });

  it('shares the partitions between instances and applies every change exactly once', async () => {
    await fx.setup({
      tables: [WIDE, NAMED],
      sourceDdl: workloadDdl(d.src, d),
      targetDdl: workloadDdl(d.dst, d),
      partitions: 4,
      link: { ordering: 'key', batchMaxRows: 1000, batchMaxDelayMs: 50 },
    });
    const reader = await fx.startReader();
    let writing = true;
    let written = 0;
    let round = 0;
    const keys = newKeyState();
    const writer = (async () => {
      while (writing) written += await runWorkload(fx.source, d, 1_000, 8100 + round++, keys, { keyChanges: false });
    })();
    writer.catch(() => undefined);

    const info = { TANDEM_LOG_LEVEL: 'info' };
    const first = fx.spawnApplier(info);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const second = fx.spawnApplier(info);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    first.kill('SIGKILL');
    await waitForExit(first);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const third = fx.spawnApplier(info);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    writing = false;
    await writer;
    try {
      await markAndWait(fx.source, fx.target, 120_000, () => reader.failure());
      await fx.waitForApplied(120_000);
    } finally {
      second.kill('SIGTERM');
      third.kill('SIGTERM');
      const exits = await Promise.all([waitForExit(second, 20_000), waitForExit(third, 20_000)]);
      expect(exits.map((e) => e.code), `${second.stderrTail().slice(-3000)}\n---\n${third.stderrTail().slice(-3000)}`).toEqual([0, 0]);
      await reader.stop();
    }

    // The group split the partitions: the first instance started with all four, and every instance at
    // some point held only some of them.
    const seen = [first, second, third].map((c) => assignments(c.stderrTail()));
    expect(seen[0]![0], JSON.stringify(seen)).toEqual([0, 1, 2, 3]);
    for (const history of seen) expect(history.some((parts) => parts.length > 0 && parts.length < 4), JSON.stringify(seen)).toBe(true);

    const source = await readTables(fx.source, d);
    const target = await readTables(fx.target, d);
    expect(firstDifferences(source.wide, target.wide)).toEqual([]);
    expect(firstDifferences(source.named, target.named)).toEqual([]);
    expect(target.wide.length).toBe(source.wide.length);
    console.log(`ordering: key: ${written} changes over 4 partitions, assignments seen: ${JSON.stringify(seen)}`);
  });
});
