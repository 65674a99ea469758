import { Consumer, FetchIsolationLevels, type ClusterMetadata } from '@platformatic/kafka';
import { randomUUID } from 'node:crypto';
import { ErrorCodes, TandemError } from '../errors.js';
import { baseClientOptions, type KafkaConnection } from './client-options.js';
import { committedRecords } from './read-committed-filter.js';

export interface CommittedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<string, Buffer>;
}

export interface ReadOptions {
  /** Maximum bytes fetched per request and partition. */
  maxBytes?: number;
  /** How long the broker may wait for data when there is none. */
  maxWaitMs?: number;
}

/**
 * Reads a topic's committed records (READ_COMMITTED) without a consumer group, by explicit offsets:
 * what the offsets and schema topics need at start-up, and what tests need to check a changes topic
 * exactly. Uses the low-level Fetch API so aborted transactions are filtered correctly.
 */
export class CommittedTopicReader {
  readonly #consumer: Consumer;
  readonly #topic: string;
  #metadata: ClusterMetadata | undefined;

  constructor(connection: KafkaConnection, topic: string) {
    this.#topic = topic;
    this.#consumer = new Consumer({
      ...baseClientOptions(connection, 'reader'),
      groupId: `tandem-unused-${randomUUID()}`,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    });
  }

  async partitionCount(): Promise<number> {
    return (await this.#topicMetadata()).partitionsCount;
  }

  /** The last stable offset of each partition: every committed record lies below it. */
  async endOffsets(): Promise<bigint[]> {
    const offsets = await this.#consumer.listOffsets({
      topics: [this.#topic],
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      timestamp: -1n,
    });
    return offsets.get(this.#topic) ?? [];
  }

  /** Yields the committed records of one partition from `fromOffset` up to (excluding) `untilOffset`. */
  async *readRange(partition: number, fromOffset: bigint, untilOffset: bigint, options: ReadOptions = {}): AsyncGenerator<CommittedRecord> {
    let next = fromOffset;
    while (next < untilOffset) {
      const { records, nextOffset } = await this.fetchOnce(partition, next, options);
      for (const record of records) {
        if (record.offset >= untilOffset) return;
        yield record;
      }
      if (nextOffset <= next) {
        throw new TandemError(ErrorCodes.KAFKA, `no progress reading ${this.#topic}[${partition}] at offset ${next} (end ${untilOffset}); the broker returned nothing below its last stable offset`, { canRetry: true });
      }
      next = nextOffset;
    }
  }

  /** Reads every committed record of every partition that exists now. */
  async *readAll(options: ReadOptions = {}): AsyncGenerator<CommittedRecord> {
    const ends = await this.endOffsets();
    const starts = await this.#consumer.listOffsets({ topics: [this.#topic], timestamp: -2n });
    const firsts = starts.get(this.#topic) ?? [];
    for (let partition = 0; partition < ends.length; partition++) {
      yield* this.readRange(partition, firsts[partition] ?? 0n, ends[partition] ?? 0n, options);
    }
  }

  /**
   * One fetch: the committed data records at or after `offset`, and the offset to fetch next (past any
   * control and aborted batches seen, so a caller always progresses).
   */
  async fetchOnce(partition: number, offset: bigint, options: ReadOptions = {}): Promise<{ records: CommittedRecord[]; nextOffset: bigint; lastStableOffset: bigint }> {
    const metadata = await this.#topicMetadata();
    const leader = metadata.partitions[partition]?.leader;
    if (leader === undefined) throw new TandemError(ErrorCodes.KAFKA, `topic ${this.#topic} has no partition ${partition}`);
    const response = await this.#consumer.fetch({
      node: leader,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      maxWaitTime: options.maxWaitMs ?? 100,
      minBytes: 1,
      maxBytes: options.maxBytes ?? 8 * 1024 * 1024,
      topics: [
        {
          topicId: metadata.id,
          partitions: [{ partition, fetchOffset: offset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: options.maxBytes ?? 8 * 1024 * 1024 }],
        },
      ],
    });
    const partitionResponse = response.responses.flatMap((t) => t.partitions).find((p) => p.partitionIndex === partition);
    if (!partitionResponse) return { records: [], nextOffset: offset, lastStableOffset: offset };
    const batches = partitionResponse.records ?? [];
    let nextOffset = offset;
    for (const batch of batches) {
      const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      if (end > nextOffset) nextOffset = end;
    }
    const records: CommittedRecord[] = [];
    for (const ref of committedRecords(batches, partitionResponse.abortedTransactions)) {
      if (ref.offset < offset) continue;
      const record = ref.batch.records[ref.recordIndex]!;
      const headers = new Map<string, Buffer>();
      for (const [k, v] of record.headers) if (k) headers.set(k.toString(), v ?? Buffer.alloc(0));
      records.push({
        topic: this.#topic,
        partition,
        offset: ref.offset,
        timestamp: ref.batch.firstTimestamp + record.timestampDelta,
        key: record.key,
        value: record.value,
        headers,
      });
    }
    return { records, nextOffset, lastStableOffset: partitionResponse.lastStableOffset };
  }

  async close(): Promise<void> {
    await this.#consumer.close(true);
  }

  async #topicMetadata() {
    if (!this.#metadata) this.#metadata = await this.#consumer.metadata({ topics: [this.#topic] });
    const topic = this.#metadata.topics.get(this.#topic);
    if (!topic) throw new TandemError(ErrorCodes.KAFKA, `Kafka topic ${this.#topic} does not exist; start the reader once to create it`);
    return topic;
  }
}
