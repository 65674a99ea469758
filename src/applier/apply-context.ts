import type { DecodedChangeEvent } from '../avro/index.js';
import { ErrorCodes, isTandemError, TandemError } from '../errors.js';
import type { CommittedRecord, CommittedTopicReader } from '../kafka/committed-topic-reader.js';
import type { Logger } from '../logging.js';
import type { ChangeDecoder } from './change-decoder.js';
import type { DeadLetters } from './dead-letters.js';
import type { VersionArbiter } from '../twoway/arbiter.js';
import type { ConflictLog } from '../twoway/conflict-log.js';
import type { FeedOptions } from './partition-feed.js';
import type { ProgressKey, TargetWriter } from './target-writer.js';

export interface ApplierStats {
  /** Change events applied (dead-lettered ones not counted). */
  eventsApplied: number;
  /** Source transactions whose last change has been applied (ordering: transaction). */
  transactionsApplied: number;
  targetCommits: number;
  deadLettered: number;
  /** Batches retried change by change after the target refused the batch. */
  carefulReplays: number;
  /** Changes not applied because of their origin: they came from the target, or reach it by a direct link. */
  loopsSkipped: number;
  /** Two-way links: conflicts resolved by last-writer-wins. */
  conflicts: number;
  /** Two-way links: changes the target already held at the same version. */
  duplicatesSkipped: number;
}

export function newApplierStats(): ApplierStats {
  return { eventsApplied: 0, transactionsApplied: 0, targetCommits: 0, deadLettered: 0, carefulReplays: 0, loopsSkipped: 0, conflicts: 0, duplicatesSkipped: 0 };
}

export interface SourceTransactionRef {
  id: string;
  commitMicros: bigint;
  /** Timestamp of the transaction's first Kafka record (the reader's producer clock), ms. */
  kafkaTimestampMs: number;
}

/** What a committed target transaction held, for observers (the demo's live line, the benchmark's lag). */
export interface CommitInfo {
  events: number;
  /** Each source transaction this commit applied (its first change, at least): id and source commit time (µs since the epoch). */
  sourceTransactions: SourceTransactionRef[];
  committedAtMs: number;
}

/** Everything the apply loop and the careful replay share. */
export interface ApplyContext {
  /** "from->to", for messages. */
  link: string;
  consumerId: string;
  topic: string;
  ordering: 'transaction' | 'key';
  batchMaxRows: number;
  batchMaxDelayMs: number;
  writer: TargetWriter;
  changes: ChangeDecoder;
  reader: CommittedTopicReader;
  feedOptions: FeedOptions;
  deadLetters: DeadLetters | undefined;
  /** The link's source node: the origin of target transactions holding its own changes. */
  linkFrom: string;
  /** Whether a change first made on `origin` is left out (see twoway/topology.ts skipsOrigin). */
  skipsOrigin: (origin: string) => boolean;
  /** Two-way links: last-writer-wins on the versioned tables, and where conflicts are recorded. */
  arbiter: VersionArbiter | undefined;
  conflicts: ConflictLog | undefined;
  log: Logger;
  stats: ApplierStats;
  onCommitted: ((info: CommitInfo) => void) | undefined;
}

export function progressKey(ctx: ApplyContext, partition: number): ProgressKey {
  return { consumerId: ctx.consumerId, topic: ctx.topic, partition };
}

/** Another applier instance moved this partition's progress: our view of it is stale. */
export class ProgressMoved extends Error {
  constructor(readonly partition: number) {
    super(`the progress of partition ${partition} was moved by another applier instance`);
  }
}

export type FailureKind = 'transient' | 'rejected' | 'fatal';

/**
 * transient: Kafka or the target is failing (retry with backoff, resume from stored progress);
 * rejected: the target refused a change, or a value cannot be written (find the event: stop or dead-letter);
 * fatal: anything else (configuration, target schema, our own bugs): stop.
 */
export function classifyFailure(error: unknown, writer: TargetWriter): FailureKind {
  if (isTandemError(error)) {
    if (error.canRetry) return 'transient';
    return error.code === ErrorCodes.APPLY_VALUE ? 'rejected' : 'fatal';
  }
  if (writer.isTransient(error)) return 'transient';
  if (writer.isDatabaseError(error)) return 'rejected';
  return 'fatal';
}

/** A transient failure as the retryable TandemError the Supervisor restarts on. */
export function asRetryable(ctx: ApplyContext, error: unknown): TandemError {
  if (isTandemError(error) && error.canRetry) return error;
  return new TandemError(ErrorCodes.TARGET_CONNECTION, `link ${ctx.link}: the ${ctx.writer.engine} target failed: ${ctx.writer.describeError(error)}; retrying`, {
    cause: error,
    canRetry: true,
  });
}

/** The reason a change was refused, in words: the database's error or the conversion problem. */
export function refusal(ctx: ApplyContext, error: unknown): { text: string; code: string } {
  if (isTandemError(error)) return { text: error.message, code: error.code };
  return { text: ctx.writer.describeError(error), code: 'DATABASE' };
}

/** Where a change is and what it is, for errors and dead letters (keys only: row data stays out of messages). */
export function describeChange(record: CommittedRecord, event: DecodedChangeEvent): string {
  const op = { c: 'insert', u: 'update', d: 'delete', t: 'truncate' }[event.op];
  return (
    `${op} on ${event.table.schema}.${event.table.table} key ${record.key?.toString() ?? '?'} ` +
    `at ${record.topic}[${record.partition}]@${record.offset} (source transaction ${event.transaction.id})`
  );
}
