import { afterAll, describe, expect, it } from 'vitest';
import { topicNames } from '../../src/kafka/topic-names.js';
import { MysqlPosition } from '../../src/mysql/mysql-position.js';
import { loadStoredOffset } from '../../src/reader/offset-store.js';
import { MysqlReaderFixture, waitForExit } from './helpers/mysql-fixture.js';
import { readFileSync } from 'node:fs';

/*
 * Bounded memory: a one-million-row source transaction streams through `tandem run` (a child process)
 * into one Kafka transaction without the reader holding it: the peak RSS stays far below what the
 * transaction's events would take (1M events ≈ 1M × ~100 bytes of Avro plus JS objects ≈ 1 GB). The
 * reader runs with its V8 old space capped at 160 MB, so holding the transaction would crash it.
 */
const ROWS = 1_000_000;

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

describe('mysql reader: memory', () => {
  const fx = new MysqlReaderFixture();
  afterAll(async () => {
    await fx.cleanup();
  });

  it('streams a 1M-row transaction within bounded memory', async () => {
    await fx.setup(['big'], ['CREATE TABLE big (id INT PRIMARY KEY, n INT NOT NULL, pad VARCHAR(40) NOT NULL)']);
    await fx.establishOffset("INSERT INTO big VALUES (0, 0, 'marker')");
    await fx.sql.query(`INSERT INTO big SELECT seq, seq % 1000, CONCAT('row ', seq, ' of the big one') FROM seq_1_to_${ROWS}`);
    const [[{ g }]] = (await fx.sql.query('SELECT @@GLOBAL.gtid_binlog_pos AS g')) as unknown as [[{ g: string }]];
    const child = fx.spawnReader({ NODE_OPTIONS: '--max-old-space-size=160' });
    let peak = 0;
    const offsets = topicNames(fx.prefix).offsets;
    const deadline = Date.now() + 300_000;
    for (;;) {
      peak = Math.max(peak, peakRssMiB(child.pid!));
      const stored = await loadStoredOffset(fx.config.kafka, offsets, `reader.${fx.node}`);
      if (stored && MysqlPosition.fromJson(stored.position).gtids.toString() === g) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the reader did not publish the transaction: ${child.stderrTail().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    peak = Math.max(peak, peakRssMiB(child.pid!));
    child.kill('SIGTERM');
    await waitForExit(child, 30_000);
    // Every row is in the committed topic once: count records without decoding a million of them.
    const { CommittedTopicReader } = await import('../../src/kafka/committed-topic-reader.js');
    const reader = new CommittedTopicReader(fx.config.kafka, fx.changesTopic);
    let count = 0;
    try {
      for await (const _ of reader.readAll()) count++;
    } finally {
      await reader.close();
    }
    expect(count).toBe(ROWS + 1);
    console.log(`1M-row transaction: reader peak RSS ${peak.toFixed(0)} MiB`);
    expect(peak).toBeLessThan(400);
  });
});
