import type { Engine, TableSchema } from './table.js';
import type { Value } from './logical-type.js';
import type { ChangeVersion } from '../twoway/row-version.js';

/** c: insert, u: update, d: delete, t: truncate. */
export type Operation = 'c' | 'u' | 'd' | 't';

/** A row image keyed by column name. A column absent from the object is absent from the image. */
export type RowImage = Record<string, Value | null>;

export type CommitTimestampPrecision = 'micros' | 'seconds';

export interface SourceBlock {
  node: string;
  engine: Engine;
  database: string;
  schema: string;
  table: string;
  /** PostgreSQL: the transaction's commit LSN ("16/B374D848"). Null for MySQL. */
  lsn: string | null;
  /** PostgreSQL xid, or MySQL/MariaDB GTID of the transaction. */
  txId: string;
  /** Source commit time, microseconds since the Unix epoch. */
  commitTimestampMicros: bigint;
  commitTimestampPrecision: CommitTimestampPrecision;
  /** MySQL/MariaDB binlog position fields; null for PostgreSQL. */
  gtid: string | null;
  binlogFile: string | null;
  binlogPosition: bigint | null;
  serverId: bigint | null;
}

export interface TransactionBlock {
  /** Unique per source node: PostgreSQL "xid:commitLsn", MySQL the GTID. */
  id: string;
  /** 0-based position of this event within its transaction. */
  sequence: number;
}

export interface ChangeEvent {
  op: Operation;
  /** The table version this event's row images follow. */
  table: TableSchema;
  /**
   * Row before the change. For updates and deletes when the replica identity provides it:
   * the full old row with REPLICA IDENTITY FULL, the key columns only otherwise (other columns absent).
   */
  before: RowImage | null;
  /** Row after the change (inserts and updates). */
  after: RowImage | null;
  /**
   * Columns of `after` whose value the source did not send because it did not change (PostgreSQL's
   * unchanged TOASTed values). They are absent from `after`; an applier must leave them as they are.
   */
  unchangedColumns: string[];
  source: SourceBlock;
  /** The node where this change was first made (differs from source.node once changes are relayed). */
  origin: string;
  transaction: TransactionBlock;
  /**
   * The row's version after this change (two-way links compare it: last writer wins), read from the
   * shadow row the change's transaction wrote. Absent for tables not in a two-way link, and for truncates.
   */
  version?: ChangeVersion | undefined;
}
