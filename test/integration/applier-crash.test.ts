import { afterAll, describe, expect, it } from 'vitest';
import { ApplierFixture, waitForExit } from './helpers/applier-fixture.js';
import { firstDifferences, markAndWait, NAMED, newKeyState, readTables, runWorkload, WIDE, workloadDdl, type Direction } from './helpers/applier-workload.js';

/*
 * Exactly-once apply under crashes: `tandem run --only link:…` applies a PostgreSQL source into MySQL as
 * a child process while the random workload keeps committing, and is killed with SIGKILL at 20 random
 * moments (in the middle of batches, between a target commit and the next fetch, during start-up…),
 * restarted each time. In the end the target equals the source row by row; the counter column every
 * update increments shows no update was applied twice or lost. The last run is stopped with SIGTERM,
 * in the middle of traffic: it must finish its batch, commit and exit 0 within 10 s.
 */
const KILLS = 20;
const d: Direction = { src: 'postgres', dst: 'mysql' };

describe('applier: kill -9 at 20 random points', () => {
  const fx = new ApplierFixture(d.src, d.dst);
  afterAll(async () => {
    await fx.cleanup();
  });

  it('applies every change exactly once across crashes and restarts, and stops cleanly on SIGTERM', async () => {
    await fx.setup({ tables: [WIDE, NAMED], sourceDdl: workloadDdl(d.src, d), targetDdl: workloadDdl(d.dst, d), link: { batchMaxRows: 2000, batchMaxDelayMs: 50 } });
    const reader = await fx.startReader();
    let writing = true;
    let written = 0;
    let round = 0;
    const keys = newKeyState();
    const writer = (async () => {
      while (writing) written += await runWorkload(fx.source, d, 2_000, 7000 + round++, keys);
    })();
    writer.catch(() => undefined);

    const exits: string[] = [];
    let killedWhileApplying = 0;
    let before = 0n;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = fx.spawnApplier();
      // Kill at a random moment once the applier is working (its progress moved), however slow the
      // machine makes its start-up: a kill during start-up proves little.
      const startedWaiting = Date.now();
      while (child.exitCode === null && Date.now() - startedWaiting < 30_000) {
        const progress = (await fx.targetProgress().catch(() => new Map<number, bigint>())).get(0) ?? 0n;
        if (progress > before) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1500));
      const early = child.exitCode !== null ? `exited early (${child.exitCode}): ${child.stderrTail().slice(-1000)}` : undefined;
      child.kill('SIGKILL');
      const exit = await waitForExit(child, 20_000);
      exits.push(early ?? String(exit.signal));
      const now = (await fx.targetProgress().catch(() => new Map<number, bigint>())).get(0) ?? 0n;
      if (now > before) killedWhileApplying++;
      before = now;
    }
    expect(exits.filter((e) => e !== 'SIGKILL')).toEqual([]);
    // The kills hit a working applier (its progress had moved since the previous kill), not only start-ups.
    expect(killedWhileApplying).toBeGreaterThanOrEqual(KILLS / 2);

    // A healthy applier catches up while traffic goes on; SIGTERM in the middle of it.
    const last = fx.spawnApplier();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const signalledAt = Date.now();
    last.kill('SIGTERM');
    const stopped = await waitForExit(last, 15_000);
    const stopMs = Date.now() - signalledAt;
    expect({ code: stopped.code, stderr: stopped.code === 0 ? '' : last.stderrTail() }).toEqual({ code: 0, stderr: '' });
    expect(stopMs).toBeLessThan(10_000);

    writing = false;
    await writer;
    const final = fx.spawnApplier();
    try {
      await markAndWait(fx.source, fx.target, 120_000, () => (final.exitCode !== null ? new Error(`applier exited: ${final.stderrTail()}`) : reader.failure()));
    } finally {
      final.kill('SIGTERM');
      await waitForExit(final, 15_000);
      await reader.stop();
    }
    const source = await readTables(fx.source, d);
    const target = await readTables(fx.target, d);
    expect(firstDifferences(source.wide, target.wide)).toEqual([]);
    expect(firstDifferences(source.named, target.named)).toEqual([]);
    expect(target.wide.length).toBe(source.wide.length);
    console.log(`crash test: ${written} changes, ${KILLS} kills (${killedWhileApplying} while applying), SIGTERM stop in ${stopMs} ms`);
  });
});
