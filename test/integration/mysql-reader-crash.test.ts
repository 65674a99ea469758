import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { MysqlReaderFixture, waitForExit } from './helpers/mysql-fixture.js';

/*
 * Exactly-once publication under crashes: `tandem run` reads a MariaDB node as a child process and is
 * killed with SIGKILL at the publisher's fault points (before a Kafka commit, right after it, in the
 * middle of a large source transaction) and at random moments, while a writer keeps committing; after
 * each kill it is restarted. In the end every change is in the committed changes topic exactly once,
 * in commit order.
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

describe('mysql reader: kill -9 at many points', () => {
  const fx = new MysqlReaderFixture();
  afterAll(async () => {
    await fx.cleanup();
  });

  it('publishes every change exactly once across crashes and restarts', async () => {
    await fx.setup(['ledger'], ['CREATE TABLE ledger (id INT PRIMARY KEY, n INT NOT NULL, pad VARCHAR(60))'], {
      reader: { batchMaxEvents: 400, batchMaxDelayMs: 50, chunkMaxEvents: 100 },
    });
    const expected: Expected[] = [{ op: 'c', id: -1, n: 0 }];
    await fx.establishOffset('INSERT INTO ledger VALUES (-1, 0, NULL)');

    let writing = true;
    const writer = (async () => {
      const sql = await fx.connect();
      let nextId = 0;
      for (let tx = 0; writing || tx < 60; tx++) {
        const size = tx % 6 === 5 ? 1500 : 1 + (tx % 7);
        const ids = Array.from({ length: size }, () => nextId++);
        const updated = ids.length > 1 ? [ids[0]!] : [];
        await sql.query('BEGIN');
        await sql.query(`INSERT INTO ledger VALUES ${ids.map((id) => `(${id}, 0, REPEAT('x', 50))`).join(', ')}`);
        for (const id of updated) await sql.query('UPDATE ledger SET n = n + 1 WHERE id = ?', [id]);
        await sql.query('COMMIT');
        for (const id of ids) expected.push({ op: 'c', id, n: 0 });
        for (const id of updated) expected.push({ op: 'u', id, n: 1 });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await sql.end();
    })();

    const exits: string[] = [];
    let child: ChildProcess;
    for (const fault of FAULTS) {
      child = fault === 'random' ? fx.spawnReader() : fx.spawnReader({ TANDEM_FAULTS: fault });
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
      exits.push(`${fault}: ${exit?.signal ?? `timeout ${(child as ChildProcess & { stderrTail: () => string }).stderrTail().slice(-500)}`}`);
    }
    writing = false;
    await writer;

    // A last, healthy reader catches up with everything.
    child = fx.spawnReader();
    const records = await fx.waitForEvents(expected.length, 120_000);
    child.kill('SIGTERM');
    const last = await waitForExit(child, 20_000);
    expect(last.code).toBe(0);

    // Every fault point was actually reached (the process died by SIGKILL, not by timeout).
    expect(exits.filter((e) => !e.endsWith('SIGKILL'))).toEqual([]);

    const seen = new Map<string, number>();
    for (const { event } of records) {
      const id = `${event.transaction.id}#${event.transaction.sequence}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect([...seen].filter(([, count]) => count > 1)).toEqual([]);
    const got = records.map(({ event }) => ({ op: event.op, id: Number(event.after!.id), n: Number(event.after!.n) }));
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
  });
});
