import { afterAll, describe, expect, it } from 'vitest';
import { topicNames } from '../../src/kafka/topic-names.js';
import { MysqlPosition } from '../../src/mysql/mysql-position.js';
import { loadStoredOffset } from '../../src/reader/offset-store.js';
import { pauseKafka, resumeKafka, stackStatus } from '../../src/stack/index.js';
import { MysqlReaderFixture, waitForExit } from './helpers/mysql-fixture.js';
import type { TandemChild } from './helpers/tandem-process.js';
import { processMemory } from './helpers/process-memory.js';

/*
 * Backpressure, not buffering: a 1,000,000-row source transaction is committed while Kafka is frozen
 * (SIGSTOP). The reader (`tandem run`, a child process) must stall with bounded memory — the binlog
 * waits in MariaDB and the TCP buffers, not in our heap — and publish everything once Kafka is back.
 * Limits are generous against a ~100 MiB Node baseline; what would fail them is holding the transaction
 * (1M events ≈ 1M × ~100 bytes of Avro plus JS objects ≈ 1 GiB). The reader's V8 heap is capped, so
 * retained memory that grows with the transaction ends the process instead of passing slowly.
 *
 * `tandem stack up` (the integration global setup of any other test run on the same stack) resumes a
 * paused Kafka; the test checks that Kafka stayed frozen through the measurement and says so if not.
 */
const ROWS = 1_000_000;
const HEAP_CAP_MIB = 160;
const RSS_LIMIT_MIB = 400;
const FROZEN_MS = 15_000;

async function kafkaIsFrozen(): Promise<boolean> {
  const { services } = await stackStatus({ log: () => undefined });
  return services.find((s) => s.name === 'kafka')?.state === 'paused';
}

describe('mysql reader: bounded memory', () => {
  const fx = new MysqlReaderFixture();
  let child: TandemChild | undefined;
  afterAll(async () => {
    await resumeKafka().catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fx.cleanup();
  });

  it('stalls on a 1M-row transaction while Kafka is frozen without growing memory, then publishes it all', async () => {
    await fx.setup(['big'], ['CREATE TABLE big (id INT PRIMARY KEY, n INT NOT NULL, pad VARCHAR(40) NOT NULL)']);
    await fx.establishOffset("INSERT INTO big VALUES (0, 0, 'marker')");
    child = fx.spawnReader({ NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MIB}` });
    const reader = child;
    // A second marker through the child: it is streaming and its Kafka session is up.
    await fx.sql.query("INSERT INTO big VALUES (-1, 0, 'the child is streaming')");
    await fx.waitForEvents(2, 60_000);

    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const memory = await processMemory(reader.pid!);
        if (memory) samples.push(memory.rssMiB);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    let frozenRss: number[] = [];
    let frozenThroughout = true;
    let gtid = '';
    await pauseKafka();
    try {
      await fx.sql.query(`INSERT INTO big SELECT seq, seq % 1000, CONCAT('row ', seq, ' of the big one') FROM seq_1_to_${ROWS}`);
      const [[row]] = (await fx.sql.query('SELECT @@SESSION.last_gtid AS g')) as unknown as [[{ g: string }]];
      gtid = row.g;
      const mark = samples.length;
      for (const end = Date.now() + FROZEN_MS; Date.now() < end; ) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        frozenThroughout &&= await kafkaIsFrozen();
      }
      frozenRss = samples.slice(mark);
    } finally {
      await resumeKafka();
    }
    if (!frozenThroughout) throw new Error('another process resumed Kafka while this test had it frozen (a concurrent `tandem stack up` or test run); the measurement is void: run this file alone');

    // Published: the stored position covers the big transaction (cheap to poll; counting comes after).
    const [domain, server, seq] = gtid.split('-');
    const target = { flavor: 'mariadb' as const, domain: Number(domain), server: Number(server), seq: BigInt(seq!) };
    const offsets = topicNames(fx.prefix).offsets;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const stored = await loadStoredOffset(fx.config.kafka, offsets, `reader.${fx.node}`);
      if (stored && MysqlPosition.fromJson(stored.position).covers(target)) break;
      if (Date.now() > deadline || reader.exitCode !== null) throw new Error(`the reader did not publish the transaction: ${reader.stderrTail().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const peak = (await processMemory(reader.pid!))?.peakMiB ?? NaN;
    sampling = false;
    await sampler;
    reader.kill('SIGTERM');
    const exit = await waitForExit(reader, 30_000);
    const count = await fx.countEvents();

    const maxFrozen = Math.max(...frozenRss);
    const spread = maxFrozen - Math.min(...frozenRss);
    console.info(
      `mysql reader RSS while Kafka was frozen: max ${maxFrozen.toFixed(0)} MiB, spread ${spread.toFixed(0)} MiB over ${frozenRss.length} samples; ` +
        `peak over the whole run ${peak.toFixed(0)} MiB; ${count} events`,
    );
    expect(frozenRss.length).toBeGreaterThan(FROZEN_MS / 500);
    expect(count).toBe(ROWS + 2);
    expect(exit).toEqual({ code: 0, signal: null }); // not killed by running out of its capped heap
    expect(maxFrozen).toBeLessThan(RSS_LIMIT_MIB);
    expect(spread).toBeLessThan(64); // stalled, not accumulating
    expect(peak).toBeLessThan(RSS_LIMIT_MIB);
  });
});
