import type { KafkaConfig, ReaderConfig } from '../config/schema.js';
import { kafkaConnection } from '../kafka/client-options.js';
import { ensureTopics } from '../kafka/topic-admin.js';
import { topicNames } from '../kafka/topic-names.js';
import { createTransactionalProducer, type TransactionalProducer } from '../kafka/transactional-producer.js';
import { ChangePublisher, type EventEncoder } from './change-publisher.js';
import { loadStoredOffset, type StoredOffset } from './offset-store.js';
import { SchemaPublisher } from './schema-publisher.js';
import type { SourcePosition } from './source-position.js';

/**
 * The Kafka side every reader starts the same way: its topics exist, its transactional producer has
 * fenced any older instance (aborting that one's open transaction), and only then is its last committed
 * position read — so nothing a zombie could still commit is missed — along with the published schemas.
 */
export interface PublishingSession {
  readonly readerId: string;
  readonly producer: TransactionalProducer;
  /** The reader's last committed position, or undefined on its first run. */
  readonly stored: StoredOffset | undefined;
  /** A publisher for this session; `onError` receives failures of timer-driven commits. */
  publisher(onDurable: (position: SourcePosition) => Promise<void>, onError: (error: unknown) => void): ChangePublisher;
  close(): Promise<void>;
}

export async function openPublishingSession(deps: {
  node: string;
  kafka: KafkaConfig;
  reader: ReaderConfig;
  encoder: EventEncoder;
}): Promise<PublishingSession> {
  const { node, kafka, reader, encoder } = deps;
  const readerId = `reader.${node}`;
  const topics = topicNames(kafka.topicPrefix);
  const connection = kafkaConnection(kafka);
  await ensureTopics(connection, [
    { name: topics.changes(node), partitions: kafka.partitions, replicationFactor: kafka.replicationFactor },
    { name: topics.offsets, partitions: 1, replicationFactor: kafka.replicationFactor, compacted: true },
    { name: topics.schemas, partitions: 1, replicationFactor: kafka.replicationFactor, compacted: true },
  ]);
  const producer = createTransactionalProducer(connection, { transactionalId: `${kafka.topicPrefix}.${readerId}` });
  try {
    await producer.fence();
    const stored = await loadStoredOffset(connection, topics.offsets, readerId);
    const schemas = new SchemaPublisher(topics.schemas);
    await schemas.load(connection);
    let publisher: ChangePublisher | undefined;
    return {
      readerId,
      producer,
      stored,
      publisher(onDurable, onError) {
        publisher = new ChangePublisher({
          producer,
          encode: encoder,
          schemas,
          options: {
            changesTopic: topics.changes(node),
            changesPartitions: kafka.partitions,
            offsetsTopic: topics.offsets,
            readerId,
            batchMaxEvents: reader.batchMaxEvents,
            batchMaxDelayMs: reader.batchMaxDelayMs,
            chunkMaxEvents: reader.chunkMaxEvents,
            chunkMaxBytes: reader.chunkMaxBytes,
          },
          onDurable,
          onError,
        });
        return publisher;
      },
      async close() {
        await publisher?.close();
        await producer.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await producer.close().catch(() => undefined);
    throw error;
  }
}

/** A promise that rejects when `fail` is called: failures from timers, raced against a reader's stream. */
export function failureLatch(): { failed: Promise<never>; fail: (error: unknown) => void } {
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  return { failed, fail };
}
