import type { KafkaConnection } from './client-options.js';
import { createTransactionalProducer, type OutgoingRecord, type TransactionalProducer } from './transactional-producer.js';

/**
 * Records an applier writes to a side topic (dead letters, conflicts) about the target transaction in
 * hand. They are committed in their own Kafka transaction *before* the target transaction: a crash in
 * between repeats them on the retry, but never loses one.
 */
export class SideRecords {
  readonly #producer: TransactionalProducer;
  #pending: OutgoingRecord[] = [];
  /** Records committed so far. */
  count = 0;

  constructor(connection: KafkaConnection, transactionalId: string) {
    this.#producer = createTransactionalProducer(connection, { transactionalId, transactionTimeoutMs: 60_000 });
  }

  get pending(): number {
    return this.#pending.length;
  }

  add(record: OutgoingRecord): void {
    this.#pending.push(record);
  }

  /** Commits the pending records (call right before committing the target transaction). */
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

  /** Forgets records whose target transaction was rolled back (they will be made again on the retry). */
  discard(): void {
    this.#pending = [];
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => undefined);
  }
}
