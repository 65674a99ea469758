import type { KafkaConnection } from '../kafka/client-options.js';
import type { CommittedRecord } from '../kafka/committed-topic-reader.js';
import { SideRecords } from '../kafka/side-records.js';

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
 * committed before the target transaction that skips their changes (see SideRecords).
 */
export class DeadLetters {
  readonly #records: SideRecords;

  constructor(
    connection: KafkaConnection,
    readonly topic: string,
    transactionalId: string,
  ) {
    this.#records = new SideRecords(connection, transactionalId);
  }

  get pending(): number {
    return this.#records.pending;
  }

  get count(): number {
    return this.#records.count;
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
    this.#records.add({ topic: this.topic, key: record.key ?? Buffer.alloc(0), value: record.value ?? Buffer.alloc(0), headers });
  }

  commit(): Promise<void> {
    return this.#records.commit();
  }

  discard(): void {
    this.#records.discard();
  }

  close(): Promise<void> {
    return this.#records.close();
  }
}
