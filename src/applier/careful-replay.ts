import type { DecodedChangeEvent } from '../avro/index.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { CommittedRecord } from '../kafka/committed-topic-reader.js';
import { showTable } from './link-routes.js';
import { BatchPlan } from './batch-plan.js';
import { classifyFailure, describeChange, progressKey, ProgressMoved, refusal, type ApplyContext, type SourceTransactionRef } from './apply-context.js';
import { PartitionFeed } from './partition-feed.js';

/**
 * After the target refused a batch: applies the same records again one change at a time, each under a
 * savepoint, in source order, from the stored progress `from` through offset `through` and on to the
 * next source transaction boundary. A change the target still refuses is the poison: with onError
 * stop, the source transaction holding it is rolled back and the pipeline stops with the change, its
 * position and the database's error; with dead-letter, it goes to the dead-letter topic and the rest
 * commits. Source transactions commit one by one (ordering: transaction), so a stop leaves the stored
 * progress right before the poison's transaction. Returns the offset normal applying resumes at.
 */
export async function replayCarefully(ctx: ApplyContext, partition: number, from: bigint, through: bigint): Promise<bigint> {
  ctx.stats.carefulReplays++;
  ctx.log.warn({ partition, from: from.toString(), through: through.toString() }, 'the target refused a batch; applying it change by change');
  const { writer } = ctx;
  const key = progressKey(ctx, partition);
  const feed = new PartitionFeed(ctx.reader, partition, from, ctx.feedOptions);
  let stored = from;
  let end = from;
  let open = false;
  let events = 0;
  let txId: string | undefined;
  const commitTimes: SourceTransactionRef[] = [];

  let lastSource: { lsn: string | null; commitMicros: bigint } | undefined;
  const begin = async (origin: string) => {
    await writer.begin({ origin });
    open = true;
    const current = await writer.lockProgress(key);
    if (current !== stored) throw new ProgressMoved(partition);
  };
  const commit = async () => {
    if (!open) return;
    if (!(await writer.saveProgress(key, stored, end))) throw new ProgressMoved(partition);
    if (lastSource) await writer.setSourceCommit(lastSource.lsn, lastSource.commitMicros);
    await ctx.deadLetters?.commit();
    await ctx.conflicts?.commit();
    await writer.commit();
    open = false;
    stored = end;
    ctx.stats.targetCommits++;
    ctx.stats.eventsApplied += events;
    const times = commitTimes.splice(0);
    ctx.stats.transactionsApplied += times.length;
    ctx.onCommitted?.({ events, sourceTransactions: times, committedAtMs: Date.now() });
    events = 0;
  };

  try {
    for (;;) {
      const fetched = await feed.next();
      for (const record of fetched.records) {
        const event = await ctx.changes.decode(record);
        const boundary = ctx.ordering === 'key' || (txId !== undefined && event.transaction.id !== txId);
        if (boundary && record.offset > through) {
          await commit();
          return record.offset;
        }
        if (boundary && ctx.ordering === 'transaction') await commit();
        if (!open) await begin(ctx.skipsOrigin(event.origin) ? ctx.linkFrom : event.origin);
        lastSource = { lsn: event.source.lsn, commitMicros: event.source.commitTimestampMicros };
        if (event.transaction.id !== txId) commitTimes.push({ id: event.transaction.id, commitMicros: event.source.commitTimestampMicros, kafkaTimestampMs: Number(record.timestamp) });
        txId = event.transaction.id;
        if (ctx.skipsOrigin(event.origin)) {
          ctx.stats.loopsSkipped++;
          events++;
        } else if (await applyOne(ctx, record, event)) events++;
        end = record.offset + 1n;
      }
      if (fetched.caughtUp && end > through) {
        await commit();
        return end;
      }
    }
  } catch (error) {
    ctx.deadLetters?.discard();
    ctx.conflicts?.discard();
    if (open) await writer.rollback().catch(() => undefined);
    throw error;
  } finally {
    await feed.settle();
  }
}

/** Applies one change under a savepoint; false when it was refused and dead-lettered. */
async function applyOne(ctx: ApplyContext, record: CommittedRecord, event: DecodedChangeEvent): Promise<boolean> {
  const { writer } = ctx;
  await writer.savepoint();
  try {
    const plan = new BatchPlan(writer, undefined, ctx.arbiter);
    for (const op of ctx.changes.ops(event)) await plan.add(op);
    await plan.write();
    await writer.releaseSavepoint();
    return true;
  } catch (error) {
    if (classifyFailure(error, writer) !== 'rejected') throw error;
    await writer.rollbackToSavepoint();
    await writer.releaseSavepoint();
    const reason = refusal(ctx, error);
    const where = describeChange(record, event);
    if (!ctx.deadLetters) {
      throw new TandemError(
        ErrorCodes.APPLY_REJECTED,
        `link ${ctx.link}: the target refused the ${where}: ${reason.text}. ` +
          `Fix the target (or the source row) and restart, or set onError: dead-letter on the link to set refused changes aside and go on.`,
        { cause: error },
      );
    }
    const binding = ctx.changes.binding(event.table);
    ctx.deadLetters.add(record, { link: ctx.link, targetTable: showTable(binding.target.name), error: reason.text, errorCode: reason.code });
    ctx.stats.deadLettered++;
    ctx.log.warn({ where, topic: ctx.deadLetters.topic, error: reason.text }, 'change refused by the target; sent to the dead-letter topic');
    return false;
  }
}
