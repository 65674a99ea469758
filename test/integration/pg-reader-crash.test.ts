import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PgReaderFixture, waitForExit } from './helpers/reader-fixture.js';

/*
 * Exactly-once publication under crashes: the reader runs as a child process and is killed with
 * SIGKILL at the moments that matter — before a Kafka commit, between the commit and the slot
 * acknowledgement, in the middle of a large source transaction (chunks sent, transaction open) — and at
 * random moments, while a writer keeps committing. After each kill it is restarted. In the end every
 * change must be in the committed changes topic exactly once, in commit order per row.
 */
const FAULTS = [
  'publisher.before-kafka-commit:3',
  'publisher.after-kafka-commit:2',
  'publisher.after-chunk-sent:7',
  'publisher.before-kafka-commit:1',
  'publisher.after-kafka-commit:5',
  'publisher.after-chunk-sent:25',
  'random',
  'random',
  'random',
  'random',
];

interface Expected {
  op: 'c' | 'u';
  id: number;
  n: number;
}

describe('PostgreSQL reader: kill -9 at many points', () => {
  const fixture = new PgReaderFixture();
  afterAll(async () => {
    await fixture.cleanup();
  });

  it('publishes every change exactly once across crashes and restarts', async () => {
    await fixture.setup(['ledger'], 'CREATE TABLE ledger (id int PRIMARY KEY, n int NOT NULL, pad text)', {
      batchMaxEvents: 400,
      batchMaxDelayMs: 50,
      chunkMaxEvents: 100,
    });
    const expected: Expected[] = [];
    let writing = true;
    let child: ChildProcess | undefined;

    // The first reader creates the slot; nothing is written before it streams.
    child = fixture.spawnReader();
    await fixture.waitUntilStreaming();

    const writer = (async () => {
      let nextId = 0;
      for (let tx = 0; writing || tx < 60; tx++) {
        const size = tx % 6 === 5 ? 1500 : 1 + (tx % 7);
        const ids = Array.from({ length: size }, () => nextId++);
        const updated = ids.length > 1 ? [ids[0]!] : [];
        await fixture.sql.query('BEGIN');
        await fixture.sql.query(`INSERT INTO ledger SELECT g, 0, repeat('x', 50) FROM generate_series(${ids[0]}, ${ids.at(-1)}) g`);
        for (const id of updated) await fixture.sql.query('UPDATE ledger SET n = n + 1 WHERE id = $1', [id]);
        await fixture.sql.query('COMMIT');
        for (const id of ids) expected.push({ op: 'c', id, n: 0 });
        for (const id of updated) expected.push({ op: 'u', id, n: 1 });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const exits: string[] = [];
    child.kill('SIGKILL');
    await waitForExit(child);
    for (const fault of FAULTS) {
      child = fault === 'random' ? fixture.spawnReader() : fixture.spawnReader({ TANDEM_FAULTS: fault });
      if (fault === 'random') {
        await new Promise((resolve) => setTimeout(resolve, 1500 + Math.random() * 2500));
        child.kill('SIGKILL');
      }
      const exit = await Promise.race([
        waitForExit(child, 60_000),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 30_000)),
      ]);
      if (!exit) {
        child.kill('SIGKILL');
        await waitForExit(child);
      }
      exits.push(`${fault}: ${exit?.signal ?? 'timeout'}`);
    }
    writing = false;
    await writer;

    // A last, healthy reader catches up with everything.
    child = fixture.spawnReader();
    const records = await fixture.waitForEvents(expected.length, 120_000);
    child.kill('SIGTERM');
    const last = await waitForExit(child, 20_000);
    expect(last.code).toBe(0);

    // Every fault point was actually reached (the process died by SIGKILL, not by timeout).
    expect(exits.filter((e) => e.endsWith('SIGKILL'))).toHaveLength(FAULTS.length);

    const seen = new Map<string, number>();
    for (const { event } of records) {
      const id = `${event.transaction.id}#${event.transaction.sequence}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const duplicates = [...seen].filter(([, count]) => count > 1);
    expect(duplicates).toEqual([]);
    const got = records.map(({ event }) => ({ op: event.op, id: Number(event.after!.id), n: Number(event.after!.n) }));
    expect(got).toEqual(expected);
  });
});
