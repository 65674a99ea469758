import type { KafkaConnection } from './client-options.js';
import { CommittedTopicReader, type CommittedRecord } from './committed-topic-reader.js';

/**
 * Follows every partition of a topic from given offsets, delivering committed records in offset order
 * per partition, until stopped. For tools and tests; appliers use consumer groups.
 */
export class TopicFollower {
  readonly #reader: CommittedTopicReader;
  #stopped = false;

  constructor(connection: KafkaConnection, private readonly topic: string) {
    this.#reader = new CommittedTopicReader(connection, topic);
  }

  async run(onRecord: (record: CommittedRecord) => Promise<void> | void, from: 'beginning' | 'end' = 'beginning'): Promise<void> {
    const partitions = await this.#reader.partitionCount();
    const next: bigint[] = from === 'end' ? await this.#reader.endOffsets() : new Array<bigint>(partitions).fill(0n);
    while (!this.#stopped) {
      let received = 0;
      for (let partition = 0; partition < partitions && !this.#stopped; partition++) {
        const { records, nextOffset } = await this.#reader.fetchOnce(partition, next[partition] ?? 0n, { maxWaitMs: partitions === 1 ? 500 : 50 });
        for (const record of records) await onRecord(record);
        received += records.length;
        next[partition] = nextOffset;
      }
      if (received === 0 && partitions > 1) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
  }

  async close(): Promise<void> {
    await this.#reader.close();
  }
}
