import type { CommitInfo } from '../../src/applier/apply-context.js';
import { round } from '../framework/format.js';
import { BenchLink, type EngineName, type StackUrls } from './endpoints.js';
import { bulkInsert, loadCeiling, pacedWriter } from './workload.js';

export interface ThroughputResult {
  rows: number;
  /** Applier start → last commit. */
  seconds: number;
  rowsPerSecond: number;
  /** First commit → last commit: without start-up (connect, catalog checks, Kafka metadata). */
  steadyRowsPerSecond: number;
  targetCommits: number;
  ceiling: { seconds: number; rowsPerSecond: number };
  /** Applier rows/s ÷ ceiling rows/s. */
  ratio: number;
}

export interface LagResult {
  offeredRowsPerSecond: number;
  seconds: number;
  /** Changes committed into the source per second (the writer may fall behind the offer). */
  writtenRowsPerSecond: number;
  /** Source commit → target commit, per source transaction after a 2 s warm-up. */
  lagMs: { p50: number; p99: number; max: number; samples: number };
  /** The applier's share: the first Kafka record of the transaction (producer timestamp) → target commit. */
  kafkaToTargetMs: { p50: number; p99: number };
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean, failure: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const failed = await failure();
    if (failed) throw failed;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Applier throughput: `rows` inserts (source transactions of 100 rows) are written and published to
 * Kafka first, with no applier running; then the applier starts and is timed until its last commit.
 * The ceiling loads the same rows straight into the target with multi-row INSERTs.
 */
export async function measureThroughput(from: EngineName, to: EngineName, urls: StackUrls, rows: number): Promise<ThroughputResult> {
  const link = new BenchLink(from, to, urls);
  try {
    await link.setup();
    await link.startReader();
    await bulkInsert(link.source, 0, rows, 100);
    await until('publishing to Kafka', 300_000, () => (link.readerStats?.eventsPublished ?? 0) >= rows && (link.readerStats?.kafkaCommits ?? 0) > 0, () => link.failure());
    // The last Kafka transaction commits a moment after its events are counted.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let applied = 0;
    let commits = 0;
    let first = 0;
    let firstRows = 0;
    let last = 0;
    const started = performance.now();
    link.startApplier((info: CommitInfo) => {
      applied += info.events;
      commits++;
      if (first === 0) {
        first = performance.now();
        firstRows = info.events;
      }
      last = performance.now();
    });
    await until('applying', 600_000, () => applied >= rows, () => link.failure());
    const seconds = (last - started) / 1000;
    await link.stop();
    const ceilingSeconds = await loadCeiling(link.target, rows);
    const rowsPerSecond = rows / seconds;
    return {
      rows,
      seconds: round(seconds, 3),
      rowsPerSecond: Math.round(rowsPerSecond),
      steadyRowsPerSecond: Math.round((rows - firstRows) / Math.max(0.001, (last - first) / 1000)),
      targetCommits: commits,
      ceiling: { seconds: round(ceilingSeconds, 3), rowsPerSecond: Math.round(rows / ceilingSeconds) },
      ratio: round(rowsPerSecond / (rows / ceilingSeconds), 2),
    };
  } finally {
    await link.cleanup();
  }
}

/**
 * End-to-end lag at an offered load: the reader and the applier run while a paced writer commits
 * `rowsPerSecond` changes for `seconds`; lag = target commit time − source commit time of each source
 * transaction (PostgreSQL: the commit timestamp in the event, µs; MariaDB, whose event time has only
 * seconds: the writer's clock when COMMIT returned, matched by GTID). Same machine, same clock.
 */
export async function measureLag(from: EngineName, to: EngineName, urls: StackUrls, rowsPerSecond: number, seconds: number): Promise<LagResult> {
  const link = new BenchLink(from, to, urls);
  try {
    await link.setup();
    await link.startReader();
    const reports: Array<{ id: string; sourceMs: number; kafkaMs: number; targetMs: number }> = [];
    let applied = 0;
    link.startApplier((info) => {
      applied += info.events;
      for (const tx of info.sourceTransactions) reports.push({ id: tx.id, sourceMs: Number(tx.commitMicros) / 1000, kafkaMs: tx.kafkaTimestampMs, targetMs: info.committedAtMs });
    });
    // Let the applier finish starting (and warm the statements) before the offered load begins.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const started = Date.now();
    const written = await pacedWriter(link.source, rowsPerSecond, seconds, 1);
    const total = written.reduce((n, w) => n + w.rows, 0);
    await until('applying', 120_000, () => applied >= total, () => link.failure());
    const writerTimes = new Map(written.filter((w) => w.id).map((w) => [w.id!, w.committedAtMs]));
    const measured = reports
      .map((r) => ({ at: writerTimes.get(r.id) ?? r.sourceMs, lag: r.targetMs - (writerTimes.get(r.id) ?? r.sourceMs), applier: r.targetMs - r.kafkaMs }))
      .filter((r) => r.at >= started + 2_000);
    const lags = measured.map((r) => Math.max(0, r.lag)).sort((a, b) => a - b);
    const applierLags = measured.map((r) => Math.max(0, r.applier)).sort((a, b) => a - b);
    const pctOf = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? 0;
    const pct = (p: number) => pctOf(lags, p);
    return {
      offeredRowsPerSecond: rowsPerSecond,
      seconds,
      writtenRowsPerSecond: Math.round(total / seconds),
      lagMs: { p50: round(pct(50), 1), p99: round(pct(99), 1), max: round(lags.at(-1) ?? 0, 1), samples: lags.length },
      kafkaToTargetMs: { p50: round(pctOf(applierLags, 50), 1), p99: round(pctOf(applierLags, 99), 1) },
    };
  } finally {
    await link.cleanup();
  }
}
