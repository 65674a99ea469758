import { ErrorCodes, isTandemError, TandemError } from '../errors.js';
import type { CommittedRecord, CommittedTopicReader } from '../kafka/committed-topic-reader.js';
import { describeKafkaError } from '../kafka/transactional-producer.js';

export interface Fetched {
  partition: number;
  records: CommittedRecord[];
  /** Where the next fetch starts (past control records and aborted batches). */
  nextOffset: bigint;
  /**
   * Everything committed in the partition has been read: the last record's source transaction is
   * complete (readers commit Kafka transactions only at source transaction boundaries).
   */
  caughtUp: boolean;
}

export interface FeedOptions {
  maxWaitMs: number;
  maxBytes: number;
}

/**
 * The committed records of one partition from a given offset, with one fetch always in flight ahead of
 * the consumer so Kafka latency overlaps with applying. READ_COMMITTED filtering is CommittedTopicReader's
 * (the client's own filter can leak aborted records).
 */
export class PartitionFeed {
  #offset: bigint;
  #ahead: Promise<Fetched> | undefined;

  constructor(
    private readonly reader: CommittedTopicReader,
    readonly partition: number,
    offset: bigint,
    private readonly options: FeedOptions,
  ) {
    this.#offset = offset;
  }

  /** The offset the next record handed out will have (at least). */
  get offset(): bigint {
    return this.#offset;
  }

  /** The next records; starts the fetch after them at once. */
  async next(): Promise<Fetched> {
    const fetched = await (this.#ahead ?? this.#fetch(this.#offset));
    this.#offset = fetched.nextOffset;
    this.#ahead = this.#fetch(fetched.nextOffset);
    return fetched;
  }

  /** Drops what was fetched ahead and continues at `offset`. */
  seek(offset: bigint): void {
    this.#ahead = undefined;
    this.#offset = offset;
  }

  /** Waits for the fetch in flight, if any, so the reader can be closed cleanly. */
  async settle(): Promise<void> {
    await this.#ahead?.catch(() => undefined);
    this.#ahead = undefined;
  }

  #fetch(offset: bigint): Promise<Fetched> {
    const promise = (async (): Promise<Fetched> => {
      try {
        const { records, nextOffset, lastStableOffset } = await this.reader.fetchOnce(this.partition, offset, this.options);
        return { partition: this.partition, records, nextOffset, caughtUp: nextOffset >= lastStableOffset };
      } catch (cause) {
        if (isTandemError(cause)) throw cause;
        throw new TandemError(ErrorCodes.KAFKA, `fetching partition ${this.partition} at offset ${offset} failed: ${describeKafkaError(cause)}`, { cause, canRetry: true });
      }
    })();
    promise.catch(() => undefined); // observed by next()
    return promise;
  }
}
