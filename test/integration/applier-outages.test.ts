import { afterAll, describe, expect, it } from 'vitest';
import { restartService } from '../../src/stack/index.js';
import { ApplierFixture, waitForExit } from './helpers/applier-fixture.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/throwaway-postgres.js';
import { firstDifferences, markAndWait, NAMED, newKeyState, readTables, runWorkload, WIDE, workloadDdl, type Direction } from './helpers/applier-workload.js';

/*
 * Outages mid-run: `tandem run` (the source's reader and the link's applier, supervised) keeps applying a
 * steady workload while the target database crashes and restarts (a private PostgreSQL, stopped with
 * `pg_ctl -m immediate`), and then while the Kafka broker restarts. Both are retried with backoff and
 * resume from the stored progress: in the end the target equals the source, nothing lost or repeated.
 */
const d: Direction = { src: 'postgres', dst: 'postgres' };

describe('applier: database and Kafka outages', () => {
  let server: ThrowawayPostgres | undefined;
  let fx: ApplierFixture | undefined;
  afterAll(async () => {
    await fx?.cleanup();
    await server?.stop();
  });

  it('resumes without loss after a target database crash and a Kafka broker restart', async () => {
    server = await startThrowawayPostgres({ fsync: 'off' });
    fx = new ApplierFixture(d.src, d.dst, { targetServer: server.url });
    await fx.setup({ tables: [WIDE, NAMED], sourceDdl: workloadDdl(d.src, d), targetDdl: workloadDdl(d.dst, d), link: { batchMaxRows: 2000 } });
    const child = fx.spawnApplier({ TANDEM_LOG_LEVEL: 'warn' }, `${fx.sourceNode},${fx.linkSelector}`);
    try {
      // The reader (in the child) creates its slot; write only once it streams.
      const deadline = Date.now() + 60_000;
      while ((await fx.source.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active", [`tandem_${fx.sourceNode}`])).length === 0) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the reader did not start: ${child.stderrTail()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      let writing = true;
      let written = 0;
      let round = 0;
      const keys = newKeyState();
      const writer = (async () => {
        while (writing) written += await runWorkload(fx!.source, d, 1_000, 9100 + round++, keys);
      })();
      writer.catch(() => undefined);

      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const progressBefore = (await fx.targetProgress()).get(0) ?? 0n;
      await fx.target.close();
      await server.crashAndRestart(3_000);
      await fx.target.connect();
      let progressAfterDb = progressBefore;
      for (let i = 0; i < 60 && progressAfterDb <= progressBefore; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        progressAfterDb = (await fx.targetProgress()).get(0) ?? 0n;
      }
      expect(progressAfterDb, child.stderrTail()).toBeGreaterThan(progressBefore);

      await restartService('kafka');
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      writing = false;
      await writer;
      expect(child.exitCode).toBeNull();
      await markAndWait(fx.source, fx.target, 150_000, () => (child.exitCode !== null ? new Error(`tandem run exited: ${child.stderrTail()}`) : undefined));
      expect((await fx.targetProgress()).get(0)!).toBeGreaterThan(progressAfterDb);

      const source = await readTables(fx.source, d);
      const target = await readTables(fx.target, d);
      expect(firstDifferences(source.wide, target.wide)).toEqual([]);
      expect(firstDifferences(source.named, target.named)).toEqual([]);
      // Both outages were seen and retried.
      expect(child.stderrTail()).toMatch(/restarting/);
      console.log(`outages: ${written} changes applied across a database crash and a Kafka restart`);
    } finally {
      child.kill('SIGTERM');
      await waitForExit(child, 20_000).catch(() => child.kill('SIGKILL'));
    }
  });
});
