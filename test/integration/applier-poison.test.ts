import { afterAll, describe, expect, it } from 'vitest';
import { ChangeEventDecoder } from '../../src/avro/index.js';
import { isTandemError } from '../../src/errors.js';
import { kafkaConnection } from '../../src/kafka/client-options.js';
import { CommittedTopicReader, type CommittedRecord } from '../../src/kafka/committed-topic-reader.js';
import { SchemaTopicLookup } from '../../src/kafka/schema-topic-lookup.js';
import { topicNames } from '../../src/kafka/topic-names.js';
import { ApplierFixture } from './helpers/applier-fixture.js';

/*
 * A change the target refuses — a CHECK constraint only the target has, a PostgreSQL 'infinity' that a
 * MySQL DATETIME cannot hold — stops the pipeline with the change, its position and the database's error
 * (onError: stop), leaving the target at the boundary before the poison's source transaction; with
 * onError: dead-letter the same changes go to <prefix>.<target>.dlq with those details and everything
 * else, the rest of their transactions included, is applied.
 */
const SOURCE = ['CREATE TABLE items (id integer PRIMARY KEY, qty integer NOT NULL, at timestamp)'];
const TARGET = ['CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL, at datetime(6), CONSTRAINT qty_not_negative CHECK (qty >= 0))'];

async function writeSource(fx: ApplierFixture): Promise<void> {
  await fx.source.query("INSERT INTO items VALUES (1, 5, '2024-01-01 00:00:00'), (2, 3, NULL)");
  await fx.source.query('BEGIN');
  await fx.source.query('INSERT INTO items VALUES (3, 1, NULL)');
  await fx.source.query('INSERT INTO items VALUES (4, -1, NULL)'); // refused by the target's CHECK
  await fx.source.query('INSERT INTO items VALUES (5, 2, NULL)');
  await fx.source.query('COMMIT');
  await fx.source.query("INSERT INTO items VALUES (6, 1, 'infinity')"); // no MySQL DATETIME holds it
  await fx.source.query('INSERT INTO items VALUES (7, 1, NULL)');
}

async function ids(fx: ApplierFixture): Promise<number[]> {
  return (await fx.target.query('SELECT id FROM items ORDER BY id')).map((r) => Number(r.id));
}

async function readDeadLetters(fx: ApplierFixture, count: number): Promise<CommittedRecord[]> {
  const reader = new CommittedTopicReader(kafkaConnection(fx.config.kafka), topicNames(fx.prefix).deadLetter(fx.targetNode));
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const records: CommittedRecord[] = [];
      for await (const r of reader.readAll()) records.push(r);
      if (records.length >= count || Date.now() > deadline) return records;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await reader.close();
  }
}

describe('applier: a change the target refuses', () => {
  const stopping = new ApplierFixture('postgres', 'mysql');
  const lettering = new ApplierFixture('postgres', 'mysql');
  afterAll(async () => {
    await stopping.cleanup();
    await lettering.cleanup();
  });

  it('onError: stop — stops with the event, its position and the database error, the target at the boundary before it', async () => {
    const fx = await stopping.setup({ tables: ['items'], sourceDdl: SOURCE, targetDdl: TARGET });
    const reader = await fx.startReader();
    await writeSource(fx);
    const records = await fx.probe.waitForEvents(7, 30_000, reader.failure);
    const poisonAt = records.find((r) => r.event.after?.id === 4)!.record.offset;
    const poisonTxStart = records.find((r) => r.event.after?.id === 3)!.record.offset;
    for (let attempt = 0; attempt < 2; attempt++) {
      const running = fx.startApplier();
      const error = await running.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTandemError(error, 'TANDEM_APPLY_REJECTED')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(`${fx.probe.topic}[0]@${poisonAt}`);
      expect(message).toContain('insert on public.items key ["public.items",4]');
      expect(message).toMatch(/MySQL 4025 .*CONSTRAINT `qty_not_negative` failed/);
      expect(message).toContain('onError: dead-letter');
      // Nothing of the poison's source transaction is applied; the one before it is.
      expect(await ids(fx)).toEqual([1, 2]);
      expect((await fx.targetProgress()).get(0)).toBe(poisonTxStart);
    }
    await reader.stop();
  });

  it('onError: dead-letter — the refused changes go to the dead-letter topic with their details, everything else is applied', async () => {
    const fx = await lettering.setup({ tables: ['items'], sourceDdl: SOURCE, targetDdl: TARGET, link: { onError: 'dead-letter' } });
    const reader = await fx.startReader();
    const running = fx.startApplier();
    await writeSource(fx);
    await fx.source.query('INSERT INTO items VALUES (8, 1, NULL)');
    const records = await fx.probe.waitForEvents(8, 30_000, reader.failure);
    await fx.waitForApplied(60_000, running.failure);
    expect(await ids(fx)).toEqual([1, 2, 3, 5, 7, 8]);
    expect(running.applier.stats.deadLettered).toBe(2);

    const letters = await readDeadLetters(fx, 2);
    expect(letters).toHaveLength(2);
    const header = (r: CommittedRecord, name: string) => r.headers.get(name)?.toString();
    const schemas = new SchemaTopicLookup(kafkaConnection(fx.config.kafka), topicNames(fx.prefix).schemas);
    const decoder = new ChangeEventDecoder((f) => schemas.lookup(f));
    try {
      const events = await Promise.all(letters.map((r) => decoder.decode(r.value!)));
      expect(events.map((e) => e.after)).toEqual([
        { id: 4, qty: -1, at: null },
        { id: 6, qty: 1, at: 'infinity' },
      ]);
    } finally {
      await schemas.close();
    }
    const offsetOf = (id: number) => String(records.find((r) => r.event.after?.id === id)!.record.offset);
    expect(letters.map((r) => header(r, 'tandem.source.offset'))).toEqual([offsetOf(4), offsetOf(6)]);
    expect(letters.map((r) => header(r, 'tandem.source.topic'))).toEqual([fx.probe.topic, fx.probe.topic]);
    expect(header(letters[0]!, 'tandem.link')).toBe(`${fx.sourceNode}->${fx.targetNode}`);
    expect(header(letters[0]!, 'tandem.target.table')).toBe(`${fx.target.database}.items`);
    expect(header(letters[0]!, 'tandem.error')).toMatch(/CONSTRAINT `qty_not_negative` failed/);
    expect(header(letters[1]!, 'tandem.error')).toMatch(/outside MySQL's years|DATETIME\/TIMESTAMP have no infinity/);
    expect(header(letters[1]!, 'tandem.error.code')).toBe('TANDEM_APPLY_VALUE');
    expect(letters[0]!.key?.toString()).toBe('["public.items",4]');

    await running.stop();
    await reader.stop();
  });
});
