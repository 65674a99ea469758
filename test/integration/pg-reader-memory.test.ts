import { afterAll, describe, expect, it } from 'vitest';
import { pauseKafka, resumeKafka } from '../../src/stack/index.js';
import { processMemory } from './helpers/process-memory.js';
import { PgReaderFixture, waitForExit } from './helpers/reader-fixture.js';

/*
 * Backpressure, not buffering: a 1,000,000-row source transaction while Kafka is frozen (SIGSTOP).
 * The reader must stall with bounded memory — the WAL waits in PostgreSQL, not in our heap — and
 * publish everything once Kafka is back. Limits are generous against a ~100 MiB Node baseline; what
 * would fail them is holding the transaction in memory (1M rows of ~150 bytes each ≈ 1 GiB as objects).
 * The reader's heap is capped, so retained memory that grows with the transaction ends the process.
 */
const ROWS = 1_000_000;
/** The reader runs with its V8 heap capped here: it must finish without running out of memory. */
const HEAP_CAP_MIB = 160;
const RSS_LIMIT_MIB = 400;

describe('PostgreSQL reader: bounded memory', () => {
  const fixture = new PgReaderFixture();
  afterAll(async () => {
    await resumeKafka().catch(() => undefined);
    await fixture.cleanup();
  });

  it('streams a 1M-row transaction with Kafka paused without growing memory, then publishes it all', async () => {
    await fixture.setup(['big'], 'CREATE TABLE big (id int PRIMARY KEY, amount numeric(12,2), pad text)');
    const child = fixture.spawnReader({ NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MIB}` });
    await fixture.waitUntilStreaming();
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const memory = await processMemory(child.pid!);
        if (memory) samples.push(memory.rssMiB);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    await pauseKafka();
    let pausedRss: number[] = [];
    try {
      await fixture.sql.query(`INSERT INTO big SELECT g, g / 100.0, repeat('p', 100) FROM generate_series(1, ${ROWS}) g`);
      const mark = samples.length;
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      pausedRss = samples.slice(mark);
    } finally {
      await resumeKafka();
    }

    const deadline = Date.now() + 240_000;
    let count = 0;
    while (count < ROWS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      count = await fixture.countEvents();
    }
    const peak = (await processMemory(child.pid!))?.peakMiB ?? NaN;
    sampling = false;
    await sampler;
    child.kill('SIGTERM');
    await waitForExit(child, 20_000);

    const maxWhilePaused = Math.max(...pausedRss);
    const spread = maxWhilePaused - Math.min(...pausedRss);
    console.info(`reader RSS while Kafka was paused: max ${maxWhilePaused.toFixed(0)} MiB (spread ${spread.toFixed(0)} MiB over ${pausedRss.length} samples); peak over the whole run ${peak.toFixed(0)} MiB`);
    expect(count).toBe(ROWS);
    expect(child.exitCode).toBe(0); // not killed by running out of its capped heap
    expect(maxWhilePaused).toBeLessThan(RSS_LIMIT_MIB);
    expect(spread).toBeLessThan(64); // stalled, not accumulating
    expect(peak).toBeLessThan(RSS_LIMIT_MIB);
  });
});
