import { tableKey, type TableName } from '../applier/link-routes.js';
import type { ChangeEvent, RowImage } from '../model/change-event.js';
import type { Logger } from '../logging.js';
import type { ChangeVersion } from '../twoway/row-version.js';
import { VERSION_COLUMNS } from '../twoway/shadow-table.js';
import type { ChangePublisher } from './change-publisher.js';
import { canonical } from './event-key.js';
import type { SourcePosition } from './source-position.js';

export type EventSink = Pick<ChangePublisher, 'beginSourceTransaction' | 'publish' | 'endSourceTransaction'>;

/** What a reader needs to know of the two-way setup of its node (see runtime/components.ts). */
export interface TwoWayReading {
  /** Data tables whose rows carry versions, each with its shadow table and key columns. */
  shadows: ReadonlyArray<{ data: TableName; shadow: TableName; keyColumns: string[] }>;
  /** MySQL: the progress tables of links into this node (a change to one marks an applier's transaction). */
  progressTables: readonly TableName[];
  /** Whether an applied transaction whose changes were first made on `origin` is published again (relayed). */
  relays: (origin: string) => boolean;
}

/**
 * Sits between a reader and its publisher and does the two-way work of the reading side:
 * - transactions an applier wrote (marked by a replication origin, or by a progress-table row) are left
 *   out, or relayed with their first origin when another node needs them (a chain);
 * - shadow-table rows are not published: the version each carries is attached to the change of its data
 *   row, which follows it in the same transaction (the triggers are BEFORE triggers);
 * - progress-table rows are not published;
 * - a local transaction that stamped a version but logged no change of that row (an UPDATE that changed
 *   nothing on MySQL, INSERT IGNORE of an existing key, PostgreSQL ON CONFLICT DO NOTHING) is counted
 *   and warned about: the node's version is then ahead of what it published (docs/ARCHITECTURE.md,
 *   "Known gap").
 */
export class TwoWayFilter implements EventSink {
  readonly #next: EventSink;
  readonly #setup: TwoWayReading;
  readonly #log: Logger;
  readonly #shadowOf = new Map<string, { data: string; keyColumns: string[] }>();
  readonly #versioned = new Set<string>();
  readonly #progress: Set<string>;
  /** The open transaction's first origin when an applier wrote it. */
  #applied: string | undefined;
  /** The open transaction is an applier's and goes nowhere: everything in it is left out. */
  #dropping = false;
  /** Versions read from shadow rows in the open transaction, by data table + key, not yet taken. */
  readonly #pending = new Map<string, { table: string; version: ChangeVersion }>();
  #unversionedWarned = new Set<string>();
  /** Changes of versioned tables that came without a version (written while a trigger was missing). */
  unversioned = 0;
  /** Changes left out because an applier wrote them. */
  appliedSkipped = 0;
  /** Versions local transactions stamped without a logged change of their row (see the class comment). */
  versionsWithoutChange = 0;
  #withoutChangeWarned = new Set<string>();

  /** The counters a reader adds to its own. */
  get stats(): { appliedSkipped: number; unversioned: number; versionsWithoutChange: number } {
    return { appliedSkipped: this.appliedSkipped, unversioned: this.unversioned, versionsWithoutChange: this.versionsWithoutChange };
  }

  constructor(next: EventSink, setup: TwoWayReading, log: Logger) {
    this.#next = next;
    this.#setup = setup;
    this.#log = log;
    for (const s of setup.shadows) {
      this.#shadowOf.set(tableKey(s.shadow), { data: tableKey(s.data), keyColumns: s.keyColumns });
      this.#versioned.add(tableKey(s.data));
    }
    this.#progress = new Set(setup.progressTables.map(tableKey));
  }

  beginSourceTransaction(): Promise<void> {
    this.#applied = undefined;
    this.#dropping = false;
    this.#pending.clear();
    return this.#next.beginSourceTransaction();
  }

  /** The open transaction was written by an applier, with changes first made on `origin`. */
  markApplied(origin: string): void {
    this.#applied = origin;
    this.#dropping = origin === '' || !this.#setup.relays(origin);
    if (this.#dropping) this.#pending.clear();
  }

  async publish(event: ChangeEvent): Promise<void> {
    const table = tableKey({ schema: event.table.schema, table: event.table.table });
    if (this.#progress.has(table)) {
      if (event.after) this.markApplied(String(event.after.origin ?? ''));
      return;
    }
    if (this.#dropping) {
      if (!this.#shadowOf.has(table)) this.appliedSkipped++;
      return;
    }
    const shadow = this.#shadowOf.get(table);
    if (shadow) {
      if (event.after) this.#pending.set(rowId(shadow.data, shadow.keyColumns, event.after), { table: shadow.data, version: versionOf(event.after) });
      return;
    }
    if (this.#applied !== undefined) event.origin = this.#applied; // relayed, with its first origin
    if (this.#versioned.has(table) && event.op !== 't') this.#attachVersion(table, event);
    await this.#next.publish(event);
  }

  endSourceTransaction(position: SourcePosition): Promise<void> {
    if (this.#applied === undefined && this.#pending.size > 0) this.#countVersionsWithoutChange();
    this.#pending.clear();
    return this.#next.endSourceTransaction(position);
  }

  #attachVersion(table: string, event: ChangeEvent): void {
    const image = (event.op === 'd' ? event.before : event.after) ?? {};
    const id = rowId(table, event.table.key, image);
    // A key change: the trigger tombstoned the old key too; that shadow change belongs to this change.
    if (event.op === 'u' && event.before && this.#applied === undefined) {
      const oldId = rowId(table, event.table.key, event.before);
      if (oldId !== id) this.#pending.delete(oldId);
    }
    const version = this.#pending.get(id)?.version;
    if (version) {
      // A local change has its own shadow change before it. An applier's transaction (relayed here) wrote
      // one shadow change per key for all the key's changes in its batch (a delete and a re-insert):
      // keep it for the next change of the key.
      if (this.#applied === undefined) this.#pending.delete(id);
      event.version = version;
      return;
    }
    this.unversioned++;
    if (!this.#unversionedWarned.has(table)) {
      this.#unversionedWarned.add(table);
      this.#log.warn(
        { table: `${event.table.schema}.${event.table.table}` },
        'a change of a two-way table came without a version (its trigger was missing or disabled, e.g. session_replication_role = replica); it is published with its commit time as version',
      );
    }
  }

  #countVersionsWithoutChange(): void {
    this.versionsWithoutChange += this.#pending.size;
    for (const [id, { table, version }] of this.#pending) {
      if (this.#withoutChangeWarned.has(table)) continue;
      this.#withoutChangeWarned.add(table);
      const [, ...key] = JSON.parse(id) as unknown[];
      this.#log.warn(
        { table: (JSON.parse(table) as string[]).join('.'), key, version: { ts: String(version.ts), rank: version.rank } },
        'a local statement stamped a new version on a two-way row but logged no change of it (an UPDATE that changed nothing, INSERT IGNORE or ON CONFLICT DO NOTHING of an existing key); ' +
          'if the other side changes this row concurrently the two may differ until the row is written again — run tandem verify; see docs/ARCHITECTURE.md "Known gap". Warned once per table; counted as versionsWithoutChange',
      );
    }
  }
}

function rowId(table: string, keyColumns: readonly string[], image: RowImage): string {
  return JSON.stringify([table, ...keyColumns.map((c) => canonical(image[c] ?? null))]);
}

function versionOf(image: RowImage): ChangeVersion {
  return {
    ts: BigInt(image[VERSION_COLUMNS.ts] as bigint | number),
    rank: Number(image[VERSION_COLUMNS.rank]),
    node: String(image[VERSION_COLUMNS.node]),
    prev: { ts: BigInt(image[VERSION_COLUMNS.prevTs] as bigint | number), rank: Number(image[VERSION_COLUMNS.prevRank]) },
  };
}
