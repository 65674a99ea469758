import type { KafkaConnection } from '../kafka/client-options.js';
import { SideRecords } from '../kafka/side-records.js';
import type { Operation } from '../model/change-event.js';
import type { ConflictKind } from './resolution.js';
import type { ChangeVersion, StoredVersion } from './row-version.js';

/** One resolved conflict, as written (JSON) to the conflicts topic. Versions' ts are decimal text (µs). */
export interface ConflictRecord {
  link: string;
  /** The node whose applier resolved it (the link's target). */
  resolvedOn: string;
  table: string;
  /** The row's key values (the applier's canonical key text). */
  key: string;
  kind: ConflictKind;
  winner: 'incoming' | 'target';
  reason: string;
  incoming: { op: Operation; deleted: boolean; origin: string; version: JsonVersion; prev: { ts: string; rank: number } | null };
  target: { deleted: boolean; version: JsonVersion };
  resolvedAt: string;
}

interface JsonVersion {
  ts: string;
  rank: number;
  node: string;
}

export function jsonVersion(v: ChangeVersion | StoredVersion): JsonVersion {
  return { ts: v.ts.toString(), rank: v.rank, node: v.node };
}

/** The conflicts topic, written like dead letters: committed right before the target transaction. */
export class ConflictLog {
  readonly #records: SideRecords;

  constructor(
    connection: KafkaConnection,
    readonly topic: string,
    transactionalId: string,
  ) {
    this.#records = new SideRecords(connection, transactionalId);
  }

  add(conflict: ConflictRecord): void {
    this.#records.add({ topic: this.topic, key: Buffer.from(JSON.stringify([conflict.table, conflict.key])), value: Buffer.from(JSON.stringify(conflict)) });
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
