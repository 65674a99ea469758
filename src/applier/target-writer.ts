import type { Value } from '../model/logical-type.js';
import type { Engine } from '../model/table.js';
import type { TableName } from './link-routes.js';
import type { TargetColumn, TargetTable } from './target-table.js';
import type { StoredVersion } from '../twoway/row-version.js';

/** One row of the progress table: how far one consumer got in one partition of one topic. */
export interface ProgressKey {
  consumerId: string;
  topic: string;
  partition: number;
}

/**
 * How a target transaction is marked as the applier's, so the target's reader can tell it from local
 * writes (loop prevention): `origin` is the node where its changes were first made (one per target
 * transaction). PostgreSQL: the session's replication origin "tandem:<link from>:<origin>". MySQL: the
 * progress row, written first in the transaction with `origin` in it.
 */
export interface TransactionMark {
  origin: string;
}

/** PostgreSQL's name of the replication origin an applier's session uses. */
export function pgOriginName(linkFrom: string, origin: string): string {
  return `tandem:${linkFrom}:${origin}`;
}

/** A bound parameter, already in the engine's own form (see pg-values.ts, mysql-values.ts). */
export type Param = unknown;

/**
 * The target-engine dialect the applier writes through (one implementation per engine, one shared
 * integration suite): catalog, progress table, multi-row writes, transactions and savepoints, and the
 * engine's error classification. Statements are prepared once per shape and reused.
 */
export interface TargetWriter {
  readonly engine: Engine;
  connect(): Promise<void>;
  close(): Promise<void>;
  describeTable(name: TableName): Promise<TargetTable | undefined>;
  /** A value of the column's LogicalType as this engine's parameter; throws ValueProblem when it cannot hold it. */
  param(column: TargetColumn, value: Value): Param;

  /** Creates `tandem_progress` if absent. */
  ensureProgressTable(): Promise<void>;
  /** The stored next offset of each partition; partitions without a row get one holding `initial(p)`. */
  initProgress(consumerId: string, topic: string, partitions: readonly number[], initial: (partition: number) => bigint): Promise<Map<number, bigint>>;
  /** Within a transaction: locks (MySQL: first marks) the progress row and returns its next offset (undefined: no row). */
  lockProgress(key: ProgressKey): Promise<bigint | undefined>;
  /** Within a transaction: moves next_offset from `expected` to `next`; false if the row no longer holds `expected`. */
  saveProgress(key: ProgressKey, expected: bigint, next: bigint): Promise<boolean>;

  /** Inserts or updates rows (values in `columns` order) by `key` (target column names). */
  upsert(table: TargetTable, columns: readonly TargetColumn[], key: readonly string[], rows: readonly Param[][]): Promise<void>;
  /** Deletes rows by key (values in `keyColumns` order). */
  delete(table: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<void>;
  /** Moves one row to a new key, setting the given columns, keeping the others. */
  rekey(table: TargetTable, setColumns: readonly TargetColumn[], values: readonly Param[], keyColumns: readonly TargetColumn[], oldKey: readonly Param[]): Promise<void>;
  /** Empties tables within the transaction. */
  truncate(tables: readonly TargetTable[]): Promise<void>;

  /** Opens a transaction marked as the applier's, for changes first made on `mark.origin`. */
  begin(mark: TransactionMark): Promise<void>;
  /** Before commit: the source commit the transaction reaches (PostgreSQL records it as the transaction's origin LSN and commit time). */
  setSourceCommit(lsn: string | null, commitMicros: bigint): Promise<void>;
  /** Within a transaction: locks the existing rows of the given keys, in key order (before lockVersions). */
  lockRows(table: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<void>;
  /**
   * Within a transaction: makes sure every key has a shadow row (a placeholder version 0 where none),
   * locks them all, and returns each key's version (undefined: none known), in `keys` order. Local
   * writes then wait for this transaction (their triggers write the same shadow rows).
   */
  lockVersions(shadow: TargetTable, keyColumns: readonly TargetColumn[], keys: readonly Param[][]): Promise<Array<StoredVersion | undefined>>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  savepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;

  /** True when the error is the connection or the server failing (retry later), not the target refusing a change. */
  isTransient(error: unknown): boolean;
  /** A deadlock or lock timeout: another transaction (a local writer) won the rows; the batch can be retried at once. */
  isLockConflict(error: unknown): boolean;
  /** Whether the error came from the database at all (else it is ours, and must not be blamed on an event). */
  isDatabaseError(error: unknown): boolean;
  /** The database's error for messages and dead letters: code, message, detail. */
  describeError(error: unknown): string;
}
