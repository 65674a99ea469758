import type { KafkaConnection } from './client-options.js';
import { CommittedTopicReader } from './committed-topic-reader.js';

/**
 * Finds writer schemas by fingerprint in the compacted schema topic. A schema is committed in the same
 * Kafka transaction as its first event, but transaction markers reach different partitions at slightly
 * different moments, so a miss re-reads the topic's new records for a while before giving up.
 */
export class SchemaTopicLookup {
  readonly #reader: CommittedTopicReader;
  readonly #schemas = new Map<string, string>();
  #next = 0n;

  constructor(connection: KafkaConnection, schemasTopic: string, private readonly waitMs = 10_000) {
    this.#reader = new CommittedTopicReader(connection, schemasTopic);
  }

  /** The schema JSON for a fingerprint (hex), or undefined if it has not appeared within the wait. */
  async lookup(fingerprintHex: string): Promise<string | undefined> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const known = this.#schemas.get(fingerprintHex);
      if (known !== undefined) return known;
      await this.#catchUp();
      if (this.#schemas.has(fingerprintHex)) continue;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async #catchUp(): Promise<void> {
    const [end = 0n] = await this.#reader.endOffsets();
    for await (const record of this.#reader.readRange(0, this.#next, end)) {
      if (record.key && record.value) this.#schemas.set(record.key.toString(), record.value.toString());
    }
    if (end > this.#next) this.#next = end;
  }

  async close(): Promise<void> {
    await this.#reader.close();
  }
}
