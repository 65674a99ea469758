import type { KafkaConnection } from '../kafka/client-options.js';
import type { CommittedRecord } from '../kafka/committed-topic-reader.js';
import { createTransactionalProducer, type OutgoingRecord, type TransactionalProducer } from '../kafka/transactional-producer.js';

/** Why a change was set aside, carried as headers of its dead letter (the value is the original event). */
export interface DeadLetterDetails {
  link: string;
  targetTable: string;
  error: string;
  errorCode: string;
}

/**
 * The dead-letter topic `<prefix>.<to>.dlq`: the original record (key and Avro value, decodable through the
 * schema topic) with headers naming the link, the source position and the target's error. Letters are
 * committed in their own Kafka transaction *before* the target transaction that skips their changes: a
 * crash in between repeats a letter on the retry, but never loses one.
 */
export class DeadLetters {
  readonly #producer: TransactionalProducer;
  #pending: OutgoingRecord[] = [];
  count = 0;

  constructor(
    connection: KafkaConnection,
    readonly topic: string,
    transactionalId: string,
  ) {
    this.#producer = createTransactionalProducer(connection, { transactionalId, transactionTimeoutMs: 60_000 });
  }

  get pending(): number {
    return this.#pending.length;
  }

  add(record: CommittedRecord, details: DeadLetterDetails): void {
    const headers = new Map<string, Buffer>([
      ['tandem.link', Buffer.from(details.link)],
      ['tandem.source.topic', Buffer.from(record.topic)],
      ['tandem.source.partition', Buffer.from(String(record.partition))],
      ['tandem.source.offset', Buffer.from(record.offset.toString())],
      ['tandem.target.table', Buffer.from(details.targetTable)],
      ['tandem.error', Buffer.from(details.error)],
      ['tandem.error.code', Buffer.from(details.errorCode)],
      ['tandem.failed.at', Buffer.from(new Date().toISOString())],
    ]);
    this.#pending.push({ topic: this.topic, key: record.key ?? Buffer.alloc(0), value: record.value ?? Buffer.alloc(0), headers });
  }

  /** Commits the pending letters (call right before committing the target transaction). */
  async commit(): Promise<void> {
    if (this.#pending.length === 0) return;
    const records = this.#pending;
    await this.#producer.begin();
    try {
      await this.#producer.send(records);
      await this.#producer.commit();
    } catch (error) {
      await this.#producer.abort().catch(() => undefined);
      throw error;
    }
    this.count += records.length;
    this.#pending = [];
  }

  /** Forgets letters whose target transaction was rolled back (they will be found again on the retry). */
  discard(): void {
    this.#pending = [];
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => undefined);
  }
}
