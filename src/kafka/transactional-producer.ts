import { Producer } from '@platformatic/kafka';

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;
import { ErrorCodes, TandemError } from '../errors.js';
import { baseClientOptions, type KafkaConnection } from './client-options.js';

export interface OutgoingRecord {
  topic: string;
  key: Buffer;
  value: Buffer;
  /** Explicit partition; otherwise murmur2 of the key, as Kafka's Java client does. */
  partition?: number;
  headers?: Map<string, Buffer>;
}

/**
 * The only way Tandem writes to Kafka: inside transactions. A new instance with the same transactional
 * id fences the previous one (a crashed or zombie process) and aborts its open transaction, so
 * READ_COMMITTED consumers never see a half-written batch.
 */
export interface TransactionalProducer {
  /**
   * Registers the transactional id with the broker, fencing any older producer with the same id and
   * aborting its open transaction. Call before reading state that a zombie could still be changing.
   */
  fence(): Promise<void>;
  begin(): Promise<void>;
  /** Sends records within the open transaction; resolves once the broker has them (acks=all). */
  send(records: OutgoingRecord[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  readonly inTransaction: boolean;
  close(): Promise<void>;
}

export interface TransactionalProducerOptions {
  transactionalId: string;
  /**
   * Transaction timeout (also the client's request timeout in @platformatic/kafka): the broker aborts a
   * transaction left open longer than this. Must exceed the time to stream the largest source transaction.
   */
  transactionTimeoutMs?: number;
}

export function createTransactionalProducer(connection: KafkaConnection, options: TransactionalProducerOptions): TransactionalProducer {
  return new PlatformaticTransactionalProducer(connection, options);
}

class PlatformaticTransactionalProducer implements TransactionalProducer {
  readonly #producer: Producer;
  #transaction: Transaction | undefined;
  /** Whether the open transaction has sent anything; the broker refuses to end an empty one. */
  #sent = false;

  constructor(connection: KafkaConnection, options: TransactionalProducerOptions) {
    this.#producer = new Producer({
      ...baseClientOptions(connection, 'producer'),
      timeout: options.transactionTimeoutMs ?? 300_000,
      idempotent: true,
      acks: -1,
      transactionalId: options.transactionalId,
      // InitProducerId must say "no current producer" (-1/-1, KIP-360); @platformatic/kafka 2.12 sends
      // 0/0 by default, which the coordinator takes for a stale producer and fences on the second run.
      producerId: -1n,
      producerEpoch: -1,
    });
  }

  get inTransaction(): boolean {
    return this.#transaction !== undefined && !this.#transaction.completed;
  }

  async fence(): Promise<void> {
    await this.begin();
    await this.abort();
  }

  async begin(): Promise<void> {
    if (this.inTransaction) throw new TandemError(ErrorCodes.KAFKA, 'a Kafka transaction is already open; commit or abort it first');
    this.#transaction = await wrap('begin a Kafka transaction', () => this.#producer.beginTransaction());
    this.#sent = false;
  }

  async send(records: OutgoingRecord[]): Promise<void> {
    const transaction = this.#open();
    if (records.length === 0) return;
    this.#sent = true;
    await wrap('send to Kafka', () =>
      transaction.send({
        messages: records.map((r) => ({
          topic: r.topic,
          key: r.key,
          value: r.value,
          ...(r.partition === undefined ? {} : { partition: r.partition }),
          ...(r.headers ? { headers: new Map([...r.headers].map(([k, v]) => [Buffer.from(k), v])) } : {}),
        })),
      }),
    );
  }

  async commit(): Promise<void> {
    const transaction = this.#open();
    await wrap('commit a Kafka transaction', () => (this.#sent ? transaction.commit() : transaction.cancel()));
    this.#transaction = undefined;
  }

  async abort(): Promise<void> {
    const transaction = this.#transaction;
    this.#transaction = undefined;
    if (transaction && !transaction.completed) await wrap('abort a Kafka transaction', () => (this.#sent ? transaction.abort() : transaction.cancel()));
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }

  #open(): Transaction {
    if (!this.#transaction || this.#transaction.completed) throw new TandemError(ErrorCodes.KAFKA, 'no Kafka transaction is open; call begin() first');
    return this.#transaction;
  }
}

/** Broker error codes (the protocol's names) that retrying the same records cannot fix. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

async function wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (brokerErrorCodes(cause).some((code) => TOO_LARGE.has(code))) {
      throw new TandemError(
        ErrorCodes.KAFKA,
        `could not ${what}: the broker refused a record batch as too large (${describeKafkaError(cause)}); lower reader.chunkMaxBytes below the broker's message.max.bytes, or raise message.max.bytes (and max.message.bytes of the topic)`,
        { cause },
      );
    }
    throw new TandemError(ErrorCodes.KAFKA, `could not ${what}: ${describeKafkaError(cause)}`, { cause, canRetry: true });
  }
}

/** The protocol error names (`apiId`) anywhere in a @platformatic/kafka error tree. */
function brokerErrorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown) => {
    if (e === null || typeof e !== 'object') return;
    const apiId = (e as { apiId?: unknown }).apiId;
    if (typeof apiId === 'string') codes.push(apiId);
    if (e instanceof AggregateError) e.errors.forEach(visit);
    visit((e as { cause?: unknown }).cause);
  };
  visit(error);
  return codes;
}

export function describeKafkaError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return `${error.message} (${error.errors.map((e: unknown) => describeKafkaError(e)).join('; ')})`;
  }
  return error instanceof Error ? error.message : String(error);
}
