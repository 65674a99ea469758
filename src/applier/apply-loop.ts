import type { DecodedChangeEvent } from '../avro/index.js';
import type { CommittedRecord } from '../kafka/committed-topic-reader.js';
import { BatchPlan } from './batch-plan.js';
import { replayCarefully } from './careful-replay.js';
import { asRetryable, classifyFailure, progressKey, ProgressMoved, type ApplyContext, type SourceTransactionRef } from './apply-context.js';
import { PartitionFeed, type Fetched } from './partition-feed.js';

interface PartitionState {
  partition: number;
  feed: PartitionFeed;
  /** next_offset as stored in the target (by us, as far as we know). */
  committed: bigint;
  /** The offset after the last record taken into the open batch (= committed when it holds none). */
  batchEnd: bigint;
  lastTx: string | undefined;
  /** The last record taken in ends its source transaction (or ordering is per key). */
  atBoundary: boolean;
  caughtUp: boolean;
  /** The progress row is locked by the open target transaction. */
  locked: boolean;
}

export interface ApplyLoopOptions {
  /** Stored progress of the given partitions (creating rows for new ones). */
  loadProgress: (partitions: number[]) => Promise<Map<number, bigint>>;
  /** After each commit: the offsets now stored (the applier mirrors them to the consumer group). */
  onOffsets?: (offsets: Map<number, bigint>) => void;
}

const STOP_GRACE_MS = 5_000;
/** Lock conflicts (deadlocks with local writers) retried in place before the supervisor's backoff takes over. */
const LOCK_RETRIES = 20;

/**
 * The applier's main loop over its partitions: records → events → row operations, coalesced in a
 * BatchPlan, written in target transactions that also move each partition's stored progress. A target
 * transaction commits at a source transaction boundary (ordering: transaction; a boundary is the next
 * record of another transaction, or having read everything committed) once it holds batchMaxRows
 * changes or batchMaxDelayMs have passed, and at once when the partition is caught up. A source
 * transaction larger than batchMaxRows is written in chunks into the open target transaction.
 */
export class ApplyLoop {
  readonly #ctx: ApplyContext;
  readonly #options: ApplyLoopOptions;
  readonly #states = new Map<number, PartitionState>();
  #plan: BatchPlan;
  #events = 0;
  #ops = 0;
  #startedAt = 0;
  #open = false;
  #transactions: SourceTransactionRef[] = [];
  #failing: CommittedRecord | undefined;
  #assignment: number[] | undefined;
  #stopDeadline: number | undefined;
  #failure: unknown;
  /** First origin of the changes in the open batch (one per target transaction, for the target's reader). */
  #origin: string | undefined;
  /** The last source commit taken into the batch. */
  #lastSource: { lsn: string | null; commitMicros: bigint } | undefined;
  #lockRetries = 0;

  constructor(ctx: ApplyContext, options: ApplyLoopOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#plan = this.#newPlan();
  }

  /** The partitions to apply from now on (taken up between batches). */
  assign(partitions: number[]): void {
    this.#assignment = [...partitions].sort((a, b) => a - b);
  }

  /** Makes run() give up with `error` (rolling back the batch in hand) at its next step. */
  fail(error: unknown): void {
    this.#failure ??= error;
  }

  /** Finish: commit what is complete (reading on to the end of the source transaction in hand, for a while), then return. */
  requestStop(): void {
    this.#stopDeadline ??= Date.now() + STOP_GRACE_MS;
  }

  async run(): Promise<void> {
    try {
      for (;;) {
        if (this.#failure !== undefined) throw this.#failure;
        if (this.#assignment) await this.#guard(() => this.#reassign());
        if (this.#stopDeadline !== undefined) {
          if (this.#events === 0) return;
          if (this.#allAt('atBoundary')) {
            await this.#guard(() => this.#commit());
            if (this.#events === 0) return;
          } else if (Date.now() > this.#stopDeadline) {
            this.#ctx.log.warn('stopping in the middle of a source transaction; it will be applied after the restart');
            return;
          }
        }
        const states = [...this.#states.values()];
        if (states.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        const fetched = await Promise.all(states.map((s) => s.feed.next()));
        await this.#guard(async () => {
          for (let i = 0; i < states.length; i++) await this.#take(states[i]!, fetched[i]!);
          if (this.#events > 0 && this.#allAt('atBoundary') && (this.#due() || this.#allAt('caughtUp') || this.#stopDeadline !== undefined)) await this.#commit();
        });
      }
    } finally {
      if (this.#open) await this.#ctx.writer.rollback().catch(() => undefined);
      this.#open = false;
      await Promise.all([...this.#states.values()].map((s) => s.feed.settle()));
    }
  }

  async #take(state: PartitionState, fetched: Fetched): Promise<void> {
    const ctx = this.#ctx;
    for (const record of fetched.records) {
      this.#failing = record;
      const event: DecodedChangeEvent = await ctx.changes.decode(record);
      if (ctx.ordering === 'transaction' && state.lastTx !== undefined && event.transaction.id !== state.lastTx) {
        state.atBoundary = true;
        const stopping = this.#stopDeadline !== undefined;
        if (this.#events > 0 && (this.#due() || stopping)) await this.#commit();
        if (stopping) {
          // Stop at this boundary: the record is read again after the restart.
          state.feed.seek(record.offset);
          state.caughtUp = false;
          this.#failing = undefined;
          return;
        }
      }
      const skipped = ctx.skipsOrigin(event.origin);
      if (!skipped && this.#origin !== undefined && event.origin !== this.#origin && this.#events > 0 && state.atBoundary) await this.#commit();
      const ops = skipped ? [] : ctx.changes.ops(event);
      if (skipped) ctx.stats.loopsSkipped++;
      else this.#origin = event.origin;
      this.#lastSource = { lsn: event.source.lsn, commitMicros: event.source.commitTimestampMicros };
      if (this.#events === 0) this.#startedAt = Date.now();
      for (const op of ops) await this.#plan.add(op);
      this.#events++;
      this.#ops += ops.length;
      if (event.transaction.id !== state.lastTx) this.#transactions.push({ id: event.transaction.id, commitMicros: event.source.commitTimestampMicros, kafkaTimestampMs: Number(record.timestamp) });
      state.lastTx = event.transaction.id;
      state.atBoundary = ctx.ordering === 'key';
      state.batchEnd = record.offset + 1n;
      this.#failing = undefined;
      if (ctx.ordering === 'key' && this.#due()) await this.#commit();
      else if (this.#plan.pendingOps >= ctx.batchMaxRows) await this.#plan.write(); // a large source transaction: stream it
    }
    state.caughtUp = fetched.caughtUp;
    if (fetched.caughtUp) {
      state.atBoundary = true;
      // Everything up to the fetch's end is taken: store progress past trailing transaction markers too,
      // so a caught-up link's progress equals the partition's end.
      if (state.batchEnd > state.committed && fetched.nextOffset > state.batchEnd) state.batchEnd = fetched.nextOffset;
    }
  }

  #due(): boolean {
    return this.#ops >= this.#ctx.batchMaxRows || Date.now() - this.#startedAt >= this.#ctx.batchMaxDelayMs;
  }

  #allAt(flag: 'atBoundary' | 'caughtUp'): boolean {
    for (const s of this.#states.values()) if (s.batchEnd > s.committed && !s[flag]) return false;
    if (flag === 'caughtUp') for (const s of this.#states.values()) if (!s.caughtUp) return false;
    return true;
  }

  /** Opens the target transaction if needed and locks the progress of every partition in the batch. */
  async #openTransaction(): Promise<void> {
    const { writer } = this.#ctx;
    if (!this.#open) {
      await writer.begin({ origin: this.#origin ?? this.#ctx.linkFrom });
      this.#open = true;
    }
    for (const state of [...this.#states.values()].sort((a, b) => a.partition - b.partition)) {
      if (state.locked || state.batchEnd === state.committed) continue;
      const stored = await writer.lockProgress(progressKey(this.#ctx, state.partition));
      if (stored !== state.committed) throw new ProgressMoved(state.partition);
      state.locked = true;
    }
  }

  async #commit(): Promise<void> {
    if (this.#events === 0) return;
    const { writer, stats } = this.#ctx;
    await this.#openTransaction();
    await this.#plan.write();
    const moved = [...this.#states.values()].filter((s) => s.batchEnd > s.committed).sort((a, b) => a.partition - b.partition);
    for (const s of moved) {
      if (!(await writer.saveProgress(progressKey(this.#ctx, s.partition), s.committed, s.batchEnd))) throw new ProgressMoved(s.partition);
    }
    if (this.#lastSource) await writer.setSourceCommit(this.#lastSource.lsn, this.#lastSource.commitMicros);
    await this.#ctx.conflicts?.commit();
    await writer.commit();
    this.#open = false;
    for (const s of this.#states.values()) {
      s.committed = s.batchEnd;
      s.locked = false;
    }
    const times = this.#transactions;
    stats.targetCommits++;
    stats.eventsApplied += this.#events;
    stats.transactionsApplied += times.length;
    this.#ctx.onCommitted?.({ events: this.#events, sourceTransactions: times, committedAtMs: Date.now() });
    this.#options.onOffsets?.(new Map(moved.map((s) => [s.partition, s.committed])));
    this.#lockRetries = 0;
    this.#resetBatch();
  }

  #resetBatch(): void {
    this.#plan = this.#newPlan();
    this.#events = 0;
    this.#ops = 0;
    this.#transactions = [];
    this.#failing = undefined;
    this.#origin = undefined;
    this.#lastSource = undefined;
    this.#ctx.conflicts?.discard();
  }

  #newPlan(): BatchPlan {
    return new BatchPlan(this.#ctx.writer, () => this.#openTransaction(), this.#ctx.arbiter);
  }

  /** Runs a step; on failure rolls the batch back and recovers what can be recovered here. */
  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      await this.#recover(error);
    }
  }

  async #recover(error: unknown): Promise<void> {
    const ctx = this.#ctx;
    const failing = this.#failing;
    if (this.#open) await ctx.writer.rollback().catch(() => undefined);
    this.#open = false;
    const ranges = new Map<number, bigint>();
    for (const s of this.#states.values()) if (s.batchEnd > s.committed) ranges.set(s.partition, s.batchEnd - 1n);
    if (failing) ranges.set(failing.partition, failing.offset > (ranges.get(failing.partition) ?? -1n) ? failing.offset : ranges.get(failing.partition)!);
    this.#resetBatch();
    for (const s of this.#states.values()) this.#rewind(s, s.committed);
    if (error instanceof ProgressMoved) {
      ctx.log.info({ partition: error.partition }, 'another applier instance moved this partition on; re-reading progress');
      const stored = await this.#options.loadProgress([...this.#states.keys()]);
      for (const s of this.#states.values()) this.#rewind(s, stored.get(s.partition) ?? s.committed);
      return;
    }
    if (ctx.writer.isLockConflict(error) && this.#lockRetries++ < LOCK_RETRIES) {
      // A local writer holds the rows (two-way links lock versions): read the batch again and retry.
      ctx.log.debug({ error: ctx.writer.describeError(error) }, 'lock conflict with another transaction; retrying the batch');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 50 * this.#lockRetries));
      return;
    }
    const kind = classifyFailure(error, ctx.writer);
    if (kind === 'transient') throw asRetryable(ctx, error);
    if (kind === 'fatal') throw error;
    for (const [partition, through] of [...ranges].sort(([a], [b]) => a - b)) {
      const state = this.#states.get(partition);
      if (!state) continue;
      try {
        this.#rewind(state, await replayCarefully(ctx, partition, state.committed, through));
      } catch (replayError) {
        if (replayError instanceof ProgressMoved) return this.#recover(replayError);
        if (classifyFailure(replayError, ctx.writer) === 'transient') throw asRetryable(ctx, replayError);
        throw replayError;
      }
    }
  }

  #rewind(state: PartitionState, offset: bigint): void {
    state.committed = offset;
    state.batchEnd = offset;
    state.lastTx = undefined;
    state.atBoundary = true;
    state.locked = false;
    state.feed.seek(offset);
  }

  async #reassign(): Promise<void> {
    const wanted = this.#assignment!;
    if (this.#events > 0) await this.#commit();
    this.#assignment = undefined;
    for (const [partition, state] of this.#states) {
      if (wanted.includes(partition)) continue;
      await state.feed.settle();
      this.#states.delete(partition);
    }
    const added = wanted.filter((p) => !this.#states.has(p));
    this.#ctx.log.info({ partitions: wanted }, 'applying partitions');
    if (added.length === 0) return;
    const stored = await this.#options.loadProgress(added);
    for (const partition of added) {
      const offset = stored.get(partition) ?? 0n;
      this.#states.set(partition, {
        partition,
        feed: new PartitionFeed(this.#ctx.reader, partition, offset, this.#ctx.feedOptions),
        committed: offset,
        batchEnd: offset,
        lastTx: undefined,
        atBoundary: true,
        caughtUp: false,
        locked: false,
      });
    }
  }
}
