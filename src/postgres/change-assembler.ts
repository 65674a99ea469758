import type { ChangeEvent, RowImage, SourceBlock } from '../model/change-event.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { formatLsn, type Lsn } from './pgoutput/lsn.js';
import { UNCHANGED_TOAST, type BeginMessage, type TupleData } from './pgoutput/messages.js';
import type { RelationEntry } from './relation-tables.js';

export interface OpenTransaction {
  xid: number;
  finalLsn: Lsn;
  commitTimeMicros: bigint;
  /** Replication origin of the transaction (set by an applier), if any. */
  origin: string | null;
  nextSequence: number;
  /** Per-transaction text, computed once: the commit LSN and the transaction id. */
  lsnText: string;
  transactionId: string;
  /** One shared (immutable) source block per table version touched by the transaction. */
  sources: Map<object, SourceBlock>;
}

export function openTransaction(begin: BeginMessage): OpenTransaction {
  const lsnText = formatLsn(begin.finalLsn);
  return {
    xid: begin.xid,
    finalLsn: begin.finalLsn,
    commitTimeMicros: begin.commitTimeMicros,
    origin: null,
    nextSequence: 0,
    lsnText,
    transactionId: `${begin.xid}:${lsnText}`,
    sources: new Map(),
  };
}

/** Builds ChangeEvents from pgoutput row messages of one open transaction. */
export class ChangeAssembler {
  constructor(private readonly node: string) {}

  insert(tx: OpenTransaction, entry: RelationEntry, newTuple: TupleData): ChangeEvent {
    const { image } = this.#image(entry, newTuple, 'new row of an insert');
    return this.#event(tx, entry, 'c', null, image, []);
  }

  update(tx: OpenTransaction, entry: RelationEntry, oldKind: 'key' | 'old' | null, oldTuple: TupleData | null, newTuple: TupleData): ChangeEvent {
    const before = oldTuple ? this.#image(entry, oldTuple, 'old row of an update', oldKind === 'key').image : null;
    const after = this.#image(entry, newTuple, 'new row of an update');
    const unchanged: string[] = [];
    for (const name of after.unchanged) {
      // An unchanged TOASTed value equals the old value: take it from a complete old row when we have one.
      if (before && oldKind === 'old' && name in before) after.image[name] = before[name]!;
      else unchanged.push(name);
    }
    return this.#event(tx, entry, 'u', before, after.image, unchanged);
  }

  delete(tx: OpenTransaction, entry: RelationEntry, oldKind: 'key' | 'old', oldTuple: TupleData): ChangeEvent {
    return this.#event(tx, entry, 'd', this.#image(entry, oldTuple, 'old row of a delete', oldKind === 'key').image, null, []);
  }

  truncate(tx: OpenTransaction, entry: RelationEntry): ChangeEvent {
    return this.#event(tx, entry, 't', null, null, []);
  }

  #event(tx: OpenTransaction, entry: RelationEntry, op: ChangeEvent['op'], before: RowImage | null, after: RowImage | null, unchangedColumns: string[]): ChangeEvent {
    const { table } = entry;
    let source = tx.sources.get(table);
    if (!source) {
      source = {
        node: this.node,
        engine: 'postgres',
        database: table.database,
        schema: table.schema,
        table: table.table,
        lsn: tx.lsnText,
        txId: String(tx.xid),
        commitTimestampMicros: tx.commitTimeMicros,
        commitTimestampPrecision: 'micros',
        gtid: null,
        binlogFile: null,
        binlogPosition: null,
        serverId: null,
      };
      tx.sources.set(table, source);
    }
    return {
      op,
      table,
      before,
      after,
      unchangedColumns,
      source,
      origin: this.node,
      transaction: { id: tx.transactionId, sequence: tx.nextSequence++ },
    };
  }

  /**
   * Turns a TupleData into a row image. With `keyOnly`, only key columns are kept (pgoutput sends the
   * other columns of a 'K' tuple as NULL placeholders). Unchanged-TOAST columns are left out of the image
   * and reported, never turned into a NULL.
   */
  #image(entry: RelationEntry, tuple: TupleData, what: string, keyOnly = false): { image: RowImage; unchanged: string[] } {
    const { columns } = entry.table;
    if (tuple.length !== columns.length) {
      throw new TandemError(
        ErrorCodes.PG_PROTOCOL,
        `${what} in ${entry.table.schema}.${entry.table.table} has ${tuple.length} values for ${columns.length} known columns; the relation description is stale`,
      );
    }
    const image: RowImage = {};
    const unchanged: string[] = [];
    for (let i = 0; i < columns.length; i++) {
      const name = columns[i]!.name;
      if (keyOnly && !entry.identityColumns.has(name)) continue;
      const raw = tuple[i];
      if (raw === UNCHANGED_TOAST) {
        unchanged.push(name);
      } else if (raw === null || raw === undefined) {
        image[name] = null;
      } else {
        try {
          image[name] = entry.parsers[i]!(raw);
        } catch (cause) {
          if (cause instanceof TandemError) {
            throw new TandemError(cause.code, `${entry.table.schema}.${entry.table.table}.${name}: ${cause.message}`, { cause });
          }
          throw cause;
        }
      }
    }
    return { image, unchanged };
  }
}
