import { ErrorCodes, TandemError } from '../errors.js';
import type { KafkaConnection } from '../kafka/client-options.js';
import { CommittedTopicReader } from '../kafka/committed-topic-reader.js';
import type { OutgoingRecord } from '../kafka/transactional-producer.js';
import type { SourcePosition } from './source-position.js';

/**
 * A reader's progress lives in Kafka, in a compacted offsets topic, written in the same Kafka
 * transaction as the events it covers: the topic says exactly which source transactions the changes
 * topic holds, whatever crashed when.
 *
 * Record: key = reader id (UTF-8); value = JSON { readerId, engine, position, committedAt }.
 */
export interface StoredOffset {
  readerId: string;
  engine: string;
  position: Record<string, unknown>;
  committedAt: string;
}

export function offsetRecord(offsetsTopic: string, readerId: string, position: SourcePosition): OutgoingRecord {
  const value: StoredOffset = { readerId, engine: position.engine, position: position.toJson(), committedAt: new Date().toISOString() };
  return { topic: offsetsTopic, key: Buffer.from(readerId), value: Buffer.from(JSON.stringify(value)) };
}

/** The last committed offset of `readerId`, or undefined when it has never committed. */
export async function loadStoredOffset(connection: KafkaConnection, offsetsTopic: string, readerId: string): Promise<StoredOffset | undefined> {
  const reader = new CommittedTopicReader(connection, offsetsTopic);
  let last: StoredOffset | undefined;
  try {
    for await (const record of reader.readAll()) {
      if (record.key?.toString() !== readerId || !record.value) continue;
      try {
        last = JSON.parse(record.value.toString()) as StoredOffset;
      } catch (cause) {
        throw new TandemError(
          ErrorCodes.OFFSETS_CORRUPT,
          `offset record at ${offsetsTopic}[${record.partition}]@${record.offset} for ${readerId} is not JSON; the offsets topic was written by something else — restore it or start a new snapshot`,
          { cause },
        );
      }
    }
  } finally {
    await reader.close();
  }
  return last;
}
