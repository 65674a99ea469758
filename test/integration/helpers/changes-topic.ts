import { Admin } from '@platformatic/kafka';
import { ChangeEventDecoder, type DecodedChangeEvent } from '../../../src/avro/index.js';
import type { KafkaConfig } from '../../../src/config/schema.js';
import { baseClientOptions, kafkaConnection } from '../../../src/kafka/client-options.js';
import { CommittedTopicReader, type CommittedRecord } from '../../../src/kafka/committed-topic-reader.js';
import { SchemaTopicLookup } from '../../../src/kafka/schema-topic-lookup.js';
import { topicNames } from '../../../src/kafka/topic-names.js';

export interface DecodedRecord {
  record: CommittedRecord;
  event: DecodedChangeEvent;
}

/** What a test sees of a node's changes topic: committed records, decoded from Kafka alone. */
export class ChangesTopicProbe {
  readonly #kafka: KafkaConfig;
  readonly topic: string;
  #decoder: ChangeEventDecoder | undefined;
  #schemas: SchemaTopicLookup | undefined;

  constructor(kafka: KafkaConfig, node: string) {
    this.#kafka = kafka;
    this.topic = topicNames(kafka.topicPrefix).changes(node);
  }

  /** Every committed record of the changes topic, decoded, in partition/offset order. */
  async readEvents(): Promise<DecodedRecord[]> {
    const connection = kafkaConnection(this.#kafka);
    const schemas = (this.#schemas ??= new SchemaTopicLookup(connection, topicNames(this.#kafka.topicPrefix).schemas));
    const decoder = (this.#decoder ??= new ChangeEventDecoder((f) => schemas.lookup(f)));
    const reader = new CommittedTopicReader(connection, this.topic);
    const out: DecodedRecord[] = [];
    try {
      for await (const record of reader.readAll()) out.push({ record, event: await decoder.decode(record.value!) });
    } finally {
      await reader.close();
    }
    return out;
  }

  /** How many committed records the topic holds (without decoding them). */
  async countEvents(): Promise<number> {
    const reader = new CommittedTopicReader(kafkaConnection(this.#kafka), this.topic);
    let count = 0;
    try {
      for await (const _record of reader.readAll()) count++;
    } finally {
      await reader.close();
    }
    return count;
  }

  /** Waits until the topic holds at least `count` committed events; `failure()` ends the wait early. */
  async waitForEvents(count: number, timeoutMs: number, failure: () => unknown): Promise<DecodedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let events: DecodedRecord[] = [];
      try {
        events = await this.readEvents();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (events.length >= count) return events;
      const failed = failure();
      if (failed !== undefined) throw failed;
      if (Date.now() > deadline) throw new Error(`expected ${count} events in ${this.topic}, found ${events.length} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Deletes every topic of the test's prefix. */
  async deleteTopics(): Promise<void> {
    await this.#schemas?.close().catch(() => undefined);
    const admin = new Admin(baseClientOptions(kafkaConnection(this.#kafka), 'test-admin'));
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${this.#kafka.topicPrefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.close();
    }
  }
}
