import type { ChangeEvent } from '../model/change-event.js';
import type { OutgoingRecord, TransactionalProducer } from '../kafka/transactional-producer.js';
import { partitionForKey } from '../kafka/partitioner.js';
import { faultPoint } from '../runtime/fault-points.js';
import { eventKey } from './event-key.js';
import { offsetRecord } from './offset-store.js';
import type { PublishableSchema, SchemaPublisher } from './schema-publisher.js';
import type { SourcePosition } from './source-position.js';

export interface EncodedEvent {
  value: Buffer;
  writer: PublishableSchema;
}

/** Turns a change event into its Avro bytes and names the writer schema used. */
export type EventEncoder = (event: ChangeEvent) => EncodedEvent;

export interface ChangePublisherOptions {
  changesTopic: string;
  /** Partitions of the changes topic: events are placed by key here (murmur2, as Kafka's Java client). */
  changesPartitions: number;
  offsetsTopic: string;
  readerId: string;
  batchMaxEvents: number;
  batchMaxDelayMs: number;
  chunkMaxEvents: number;
  chunkMaxBytes: number;
}

export interface PublisherStats {
  eventsPublished: number;
  transactionsPublished: number;
  kafkaCommits: number;
}

/**
 * Publishes source transactions to Kafka, exactly once: source transactions are grouped into Kafka
 * transactions, each of which also writes the source position it reaches to the offsets topic. Only
 * after the Kafka commit is `onDurable(position)` called, which lets the reader acknowledge the source.
 *
 * Memory stays bounded whatever the source transaction's size: events are sent in chunks (bounded by
 * count and bytes) while the Kafka transaction stays open; at most one chunk is in flight and one is
 * filling, and `publish` waits (so the source stream pauses) when both are busy.
 *
 * Callers drive it in source order: beginSourceTransaction, publish*, endSourceTransaction, …; a timer
 * commits a batch that has waited batchMaxDelayMs while the source is idle between transactions.
 */
export class ChangePublisher {
  readonly #producer: TransactionalProducer;
  readonly #encode: EventEncoder;
  readonly #schemas: SchemaPublisher;
  readonly #options: ChangePublisherOptions;
  readonly #onDurable: (position: SourcePosition) => Promise<void>;
  readonly #onError: (error: unknown) => void;

  #chunk: OutgoingRecord[] = [];
  #chunkBytes = 0;
  #inflight: Promise<void> | undefined;
  #inSourceTransaction = false;
  #batchEvents = 0;
  #batchTransactions = 0;
  #batchStartedAt = 0;
  #pendingPosition: SourcePosition | undefined;
  #committing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly stats: PublisherStats = { eventsPublished: 0, transactionsPublished: 0, kafkaCommits: 0 };

  constructor(deps: {
    producer: TransactionalProducer;
    encode: EventEncoder;
    schemas: SchemaPublisher;
    options: ChangePublisherOptions;
    onDurable: (position: SourcePosition) => Promise<void>;
    /** Failures of timer-driven commits, which have no caller to throw to. */
    onError: (error: unknown) => void;
  }) {
    this.#producer = deps.producer;
    this.#encode = deps.encode;
    this.#schemas = deps.schemas;
    this.#options = deps.options;
    this.#onDurable = deps.onDurable;
    this.#onError = deps.onError;
    this.#timer = setInterval(() => this.#commitIfDue(), Math.max(10, Math.floor(deps.options.batchMaxDelayMs / 2)));
    this.#timer.unref();
  }

  async beginSourceTransaction(): Promise<void> {
    if (this.#committing) await this.#committing;
    this.#inSourceTransaction = true;
    if (!this.#producer.inTransaction) {
      await this.#producer.begin();
      this.#batchStartedAt = Date.now();
    }
  }

  async publish(event: ChangeEvent): Promise<void> {
    const { value, writer } = this.#encode(event);
    const schemaRecord = this.#schemas.recordFor(writer);
    if (schemaRecord) this.#add(schemaRecord);
    const key = eventKey(event);
    this.#add({ topic: this.#options.changesTopic, key, value, partition: partitionForKey(key, this.#options.changesPartitions) });
    this.#batchEvents++;
    this.stats.eventsPublished++;
    if (this.#chunk.length >= this.#options.chunkMaxEvents || this.#chunkBytes >= this.#options.chunkMaxBytes) await this.#sendChunk();
  }

  /** The source transaction ending at `position` is complete; commits the batch if it is big or old enough. */
  async endSourceTransaction(position: SourcePosition): Promise<void> {
    this.#inSourceTransaction = false;
    this.#pendingPosition = position;
    this.#batchTransactions++;
    this.stats.transactionsPublished++;
    if (this.#batchEvents >= this.#options.batchMaxEvents || Date.now() - this.#batchStartedAt >= this.#options.batchMaxDelayMs) {
      await this.#commitBatch();
    }
  }

  /** Commits whatever complete source transactions are pending (on shutdown, or to force progress). */
  async flush(): Promise<void> {
    if (this.#committing) await this.#committing;
    if (!this.#inSourceTransaction && this.#pendingPosition) await this.#commitBatch();
  }

  /** Abandons the open Kafka transaction (nothing of it becomes visible) and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#committing) await this.#committing.catch(() => undefined);
    await this.#inflight?.catch(() => undefined);
    if (this.#producer.inTransaction) {
      this.#schemas.transactionAborted();
      await this.#producer.abort().catch(() => undefined);
    }
  }

  #add(record: OutgoingRecord): void {
    this.#chunk.push(record);
    this.#chunkBytes += record.value.length + record.key.length;
  }

  async #sendChunk(): Promise<void> {
    if (this.#inflight) {
      const previous = this.#inflight;
      this.#inflight = undefined;
      await previous;
    }
    if (this.#chunk.length === 0) return;
    const records = this.#chunk;
    this.#chunk = [];
    this.#chunkBytes = 0;
    const sending = this.#producer.send(records).then(() => faultPoint('publisher.after-chunk-sent'));
    sending.catch(() => undefined); // observed when awaited
    this.#inflight = sending;
  }

  #commitIfDue(): void {
    if (this.#committing || this.#inSourceTransaction || !this.#pendingPosition) return;
    if (Date.now() - this.#batchStartedAt < this.#options.batchMaxDelayMs) return;
    this.#commitBatch().catch((error: unknown) => this.#onError(error));
  }

  #commitBatch(): Promise<void> {
    const run = async () => {
      const position = this.#pendingPosition!;
      await this.#sendChunk();
      await this.#sendChunk(); // waits for the last chunk in flight
      await this.#producer.send([offsetRecord(this.#options.offsetsTopic, this.#options.readerId, position)]);
      faultPoint('publisher.before-kafka-commit');
      await this.#producer.commit();
      faultPoint('publisher.after-kafka-commit');
      this.#schemas.transactionCommitted();
      this.stats.kafkaCommits++;
      this.#pendingPosition = undefined;
      this.#batchEvents = 0;
      this.#batchTransactions = 0;
      await this.#onDurable(position);
    };
    this.#committing = run().finally(() => {
      this.#committing = undefined;
    });
    return this.#committing;
  }
}
