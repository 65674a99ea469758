/** Stand-in for src/kafka/transactional-producer.ts: the real producer, every record on partition 0 (variant partition0). */
import type { KafkaConnection } from '../../../src/kafka/client-options.js';
import { createTransactionalProducer as createReal, type TransactionalProducer, type TransactionalProducerOptions } from '../../../src/kafka/transactional-producer.js';

// Everything else the real module exports, unchanged; the local createTransactionalProducer wins.
export * from '../../../src/kafka/transactional-producer.js';

export function createTransactionalProducer(connection: KafkaConnection, options: TransactionalProducerOptions): TransactionalProducer {
  const real = createReal(connection, options);
  return {
    get inTransaction() {
      return real.inTransaction;
    },
    fence: () => real.fence(),
    begin: () => real.begin(),
    send: (records) => {
      for (const r of records) r.partition ??= 0;
      return real.send(records);
    },
    commit: () => real.commit(),
    abort: () => real.abort(),
    close: () => real.close(),
  };
}
