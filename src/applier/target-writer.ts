import type { Value } from '../model/logical-type.js';
import type { Engine } from '../model/table.js';
import type { TableName } from './link-routes.js';
import type { TargetColumn, TargetTable } from './target-table.js';

/** One row of the progress table: how far one consumer got in one partition of one topic. */
export interface ProgressKey {
  consumerId: string;
  topic: string;
  partition: number;
}

/** Runs a statement in the target session (for the transaction-start hook). */
export type SessionQuery = (sql: string, params?: unknown[]) => Promise<unknown>;

/**
 * Called at the start of every target transaction, before any row is written. Today nothing is hooked
 * in; two-way sync (issue 5) will mark the session as the applier's origin here, so the target's reader
 * can tell applied changes from local ones.
 */
export type TransactionStartHook = (query: SessionQuery) => Promise<void>;

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
  /** Within a transaction: locks the progress row and returns its next offset (undefined: no row). */
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

  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  savepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;

  /** True when the error is the connection or the server failing (retry later), not the target refusing a change. */
  isTransient(error: unknown): boolean;
  /** Whether the error came from the database at all (else it is ours, and must not be blamed on an event). */
  isDatabaseError(error: unknown): boolean;
  /** The database's error for messages and dead letters: code, message, detail. */
  describeError(error: unknown): string;
}
