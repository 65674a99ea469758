import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, TransactionalProducer } from '../../../src/kafka/transactional-producer.js';
import type { ChangeEvent } from '../../../src/model/change-event.js';
import { ChangePublisher } from '../../../src/reader/change-publisher.js';
import { SchemaPublisher } from '../../../src/reader/schema-publisher.js';
import type { SourcePosition } from '../../../src/reader/source-position.js';

/** Records what a transactional producer was asked to do; sends can be held to observe backpressure. */
class FakeProducer implements TransactionalProducer {
  log: string[] = [];
  committed: OutgoingRecord[][] = [];
  #open: OutgoingRecord[] | undefined;
  inflight = 0;
  maxInflight = 0;
  hold: Promise<void> | undefined;

  get inTransaction() {
    return this.#open !== undefined;
  }
  async fence() {
    this.log.push('fence');
  }
  async begin() {
    this.log.push('begin');
    this.#open = [];
  }
  async send(records: OutgoingRecord[]) {
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    this.log.push(`send ${records.length}`);
    if (this.hold) await this.hold;
    this.#open!.push(...records);
    this.inflight--;
  }
  async commit() {
    this.log.push('commit');
    this.committed.push(this.#open!);
    this.#open = undefined;
  }
  async abort() {
    this.log.push('abort');
    this.#open = undefined;
  }
  async close() {}
}

class Pos implements SourcePosition {
  readonly engine = 'postgres' as const;
  constructor(readonly n: number) {}
  toJson() {
    return { n: this.n };
  }
}

function event(id: number): ChangeEvent {
  return {
    op: 'c',
    table: { node: 'n', engine: 'postgres', database: 'd', schema: 's', table: 't', columns: [], key: ['id'] },
    before: null,
    after: { id },
    unchangedColumns: [],
    source: {} as ChangeEvent['source'],
    origin: 'n',
    transaction: { id: 'x', sequence: 0 },
  };
}

function setup(options: Partial<ConstructorParameters<typeof ChangePublisher>[0]['options']> = {}, schemas = new SchemaPublisher('schemas')) {
  const producer = new FakeProducer();
  const durable: number[] = [];
  const errors: unknown[] = [];
  const publisher = new ChangePublisher({
    producer,
    encode: (e) => ({ value: Buffer.from(JSON.stringify(e.after)), writer: { fingerprintHex: 'f1', schemaJson: '{}' } }),
    schemas,
    options: { changesTopic: 'changes', changesPartitions: 1, offsetsTopic: 'offsets', readerId: 'r', batchMaxEvents: 3, batchMaxDelayMs: 60_000, chunkMaxEvents: 2, chunkMaxBytes: 1 << 20, ...options },
    onDurable: async (p) => {
      durable.push((p as Pos).n);
    },
    onError: (e) => errors.push(e),
  });
  return { producer, durable, publisher, errors };
}

async function sourceTx(publisher: ChangePublisher, ids: number[], position: number) {
  await publisher.beginSourceTransaction();
  for (const id of ids) await publisher.publish(event(id));
  await publisher.endSourceTransaction(new Pos(position));
}

describe('ChangePublisher', () => {
  it('groups source transactions into one Kafka transaction that ends with the offset record', async () => {
    const { producer, durable, publisher } = setup();
    await sourceTx(publisher, [1], 10);
    await sourceTx(publisher, [2, 3], 20);
    expect(producer.committed).toHaveLength(1);
    const records = producer.committed[0]!;
    expect(records.map((r) => r.topic)).toEqual(['schemas', 'changes', 'changes', 'changes', 'offsets']);
    expect(JSON.parse(records.at(-1)!.value.toString()).position).toEqual({ n: 20 });
    expect(durable).toEqual([20]);
    await publisher.close();
  });

  it('acknowledges a position only after the Kafka commit', async () => {
    const { producer, durable, publisher } = setup({ batchMaxEvents: 1 });
    await sourceTx(publisher, [1], 10);
    expect(producer.log.at(-1)).toBe('commit');
    expect(durable).toEqual([10]);
    await publisher.close();
  });

  it('never commits in the middle of a source transaction, however large', async () => {
    const { producer, publisher } = setup({ batchMaxEvents: 2 });
    await sourceTx(publisher, [1, 2, 3, 4, 5, 6, 7], 10);
    expect(producer.log.filter((l) => l === 'commit')).toHaveLength(1);
    expect(producer.committed[0]!.filter((r) => r.topic === 'changes')).toHaveLength(7);
    await publisher.close();
  });

  it('keeps at most one chunk in flight (backpressure instead of buffering)', async () => {
    const { producer, publisher } = setup({ batchMaxEvents: 1000, chunkMaxEvents: 2 });
    let release!: () => void;
    producer.hold = new Promise((r) => (release = r));
    await publisher.beginSourceTransaction();
    await publisher.publish(event(1));
    await publisher.publish(event(2)); // chunk of 3 (schema + 2) goes out, held
    let thirdDone = false;
    const more = (async () => {
      await publisher.publish(event(3));
      await publisher.publish(event(4)); // second chunk full: must wait for the first
      thirdDone = true;
    })();
    await new Promise((r) => setTimeout(r, 20));
    expect(thirdDone).toBe(false);
    expect(producer.maxInflight).toBe(1);
    release();
    await more;
    expect(thirdDone).toBe(true);
    await publisher.close();
  });

  it('commits a quiet batch on the timer once it is old enough', async () => {
    const { durable, publisher } = setup({ batchMaxEvents: 1000, batchMaxDelayMs: 30 });
    await sourceTx(publisher, [1], 10);
    expect(durable).toEqual([]);
    await new Promise((r) => setTimeout(r, 120));
    expect(durable).toEqual([10]);
    await publisher.close();
  });

  it('aborts the open transaction on close and republishes its schemas next time', async () => {
    const schemas = new SchemaPublisher('schemas');
    const { producer, publisher } = setup({ batchMaxEvents: 1000 }, schemas);
    await sourceTx(publisher, [1], 10);
    await publisher.close();
    expect(producer.log.at(-1)).toBe('abort');
    const again = setup({ batchMaxEvents: 1 }, schemas);
    await sourceTx(again.publisher, [1], 10);
    expect(again.producer.committed[0]!.some((r) => r.topic === 'schemas')).toBe(true);
    await again.publisher.close();
  });
});
