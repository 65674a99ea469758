/** Stand-in for src/kafka/transactional-producer.ts: no Kafka I/O at all (variant null-kafka). */
import type { KafkaConnection } from '../../../src/kafka/client-options.js';
import type { OutgoingRecord, TransactionalProducer, TransactionalProducerOptions } from '../../../src/kafka/transactional-producer.js';

// Everything else the real module exports, unchanged; the local createTransactionalProducer wins.
export * from '../../../src/kafka/transactional-producer.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createTransactionalProducer(_connection: KafkaConnection, _options: TransactionalProducerOptions): TransactionalProducer {
  let open = false;
  let sink = 0;
  return {
    get inTransaction() {
      return open;
    },
    async fence() {},
    async begin() {
      open = true;
    },
    async send(records: OutgoingRecord[]) {
      for (const r of records) sink += r.value.length + r.key.length; // touch the records, as a client would
      await nextTurn();
    },
    async commit() {
      await nextTurn();
      open = false;
    },
    async abort() {
      open = false;
    },
    async close() {
      if (sink < 0) throw new Error('unreachable');
    },
  };
}
