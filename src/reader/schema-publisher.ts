import type { KafkaConnection } from '../kafka/client-options.js';
import { CommittedTopicReader } from '../kafka/committed-topic-reader.js';
import type { OutgoingRecord } from '../kafka/transactional-producer.js';

export interface PublishableSchema {
  fingerprintHex: string;
  schemaJson: string;
}

/**
 * Makes sure every writer schema is in the compacted schema topic (key: fingerprint hex, value: the
 * schema JSON) before, or in the same Kafka transaction as, its first use.
 */
export class SchemaPublisher {
  readonly #published = new Set<string>();
  /** Schemas handed out in the open transaction, forgotten again if it aborts. */
  #pending: string[] = [];

  constructor(private readonly schemasTopic: string) {}

  /** Learns which schemas the topic already holds. */
  async load(connection: KafkaConnection): Promise<void> {
    const reader = new CommittedTopicReader(connection, this.schemasTopic);
    try {
      for await (const record of reader.readAll()) if (record.key) this.#published.add(record.key.toString());
    } finally {
      await reader.close();
    }
  }

  /** A record to send in the current transaction if this schema is not published yet, else undefined. */
  recordFor(schema: PublishableSchema): OutgoingRecord | undefined {
    if (this.#published.has(schema.fingerprintHex)) return undefined;
    this.#published.add(schema.fingerprintHex);
    this.#pending.push(schema.fingerprintHex);
    return { topic: this.schemasTopic, key: Buffer.from(schema.fingerprintHex), value: Buffer.from(schema.schemaJson) };
  }

  transactionCommitted(): void {
    this.#pending = [];
  }

  transactionAborted(): void {
    for (const fingerprint of this.#pending) this.#published.delete(fingerprint);
    this.#pending = [];
  }
}
