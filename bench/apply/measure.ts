import type { CommitInfo } from '../../src/applier/apply-context.js';
import { installVersioning } from '../../src/twoway/install-versioning.js';
import { round } from '../framework/format.js';
import { machineBusySeconds } from '../pg-reader/proc-stats.js';
import { BenchDatabase, BenchLink, tableDdl, type EngineName, type LinkMode, type StackUrls } from './endpoints.js';
import { ApplierProfiler, summarizeApplierProfile, type ApplierProfile } from './profile.js';
import { serverPid, ServerCpuSampler, type ServerCpu } from './server-cpu.js';
import { bulkInsert, loadCeiling, loadRows, pacedWriter } from './workload.js';

export interface ThroughputResult {
  mode: LinkMode;
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
  /** Writing the backlog into the source (100-row transactions, reader running; two-way: through the version triggers). */
  sourceWriteSeconds: number;
  /** Start of that write → the reader had published every row. */
  publishedSeconds: number;
  /** The applier's counters: conflicts and duplicates must be 0 here (nothing else writes the target). */
  applier: { conflicts: number; duplicatesSkipped: number; carefulReplays: number; deadLettered: number; lockRetries: number; problems: string[] };
  /** Reader counters that matter two-way: changes published without a version (must be 0). */
  reader: { unversioned: number | undefined; problems: string[] };
  /**
   * CPU seconds used while the applier ran (its start → last commit): this process (the applier; the
   * reader is idle by then), the target server and its busiest session (the applier's), and the whole
   * machine (2 cores: up to 2 s per second), to see where the time went and what else ran.
   */
  cpu: { benchProcessSeconds: number; target: ServerCpu | undefined; machineBusySeconds: number | undefined };
  /**
   * Wall time of the applier's target-writer calls until its last commit, per method (upsert split into
   * shadow and data tables): connect and catalog at the start, then per batch begin, lockProgress,
   * (two-way: lockRows, lockVersions, upsert shadow), upsert data, saveProgress, commit. The rest of
   * the applier's time is its own work (fetch, decode, coalescing) not overlapped with these.
   */
  targetCalls: Record<string, { calls: number; ms: number }>;
  /** With --cpu-prof: the V8 profile of this process over the same span. */
  profile?: ApplierProfile;
}

export interface LagResult {
  mode: LinkMode;
  offeredRowsPerSecond: number;
  seconds: number;
  /** Changes committed into the source per second (the writer may fall behind the offer). */
  writtenRowsPerSecond: number;
  /** Source commit → target commit, per source transaction after a 2 s warm-up. */
  lagMs: { p50: number; p99: number; max: number; samples: number };
  /** The applier's share: the first Kafka record of the transaction (producer timestamp) → target commit. */
  kafkaToTargetMs: { p50: number; p99: number };
  /** Two-way: the applier's counters (no conflicts expected: only the source is written). */
  applier?: { conflicts: number; duplicatesSkipped: number; lockRetries: number; problems: string[] };
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
export async function measureThroughput(from: EngineName, to: EngineName, urls: StackUrls, rows: number, mode: LinkMode, options: { profileName?: string } = {}): Promise<ThroughputResult> {
  const link = new BenchLink(from, to, urls, mode);
  try {
    await link.setup();
    // Two-way: the source's reader installs the source's triggers as it starts; the target's are installed here.
    if (mode === 'two-way') await link.installTargetVersioning();
    await link.startReader();
    const writeStarted = performance.now();
    await bulkInsert(link.source, 0, rows, 100);
    const sourceWriteSeconds = (performance.now() - writeStarted) / 1000;
    await until('publishing to Kafka', 300_000, () => (link.readerStats?.eventsPublished ?? 0) >= rows && (link.readerStats?.kafkaCommits ?? 0) > 0, () => link.failure());
    const publishedSeconds = (performance.now() - writeStarted) / 1000;
    // The last Kafka transaction commits a moment after its events are counted.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let applied = 0;
    let commits = 0;
    let first = 0;
    let firstRows = 0;
    let last = 0;
    const pid = await serverPid(link.target);
    const profiler = options.profileName ? await ApplierProfiler.start() : undefined;
    const targetCpu = pid === undefined ? undefined : new ServerCpuSampler(to, pid);
    const machineAtStart = machineBusySeconds();
    const cpuAtStart = process.cpuUsage();
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
    const cpuUsed = process.cpuUsage(cpuAtStart);
    const machineAtEnd = machineBusySeconds();
    const target = targetCpu?.stop();
    const profileFile = profiler ? await profiler.stop(options.profileName!) : undefined;
    const applierStats = link.applierStats;
    const writerCalls = link.writerTimes.snapshot();
    const readerStats = link.readerStats as { unversioned?: number } | undefined;
    await link.stop();
    const ceilingSeconds = await loadCeiling(link.target, rows);
    const rowsPerSecond = rows / seconds;
    return {
      mode,
      rows,
      seconds: round(seconds, 3),
      rowsPerSecond: Math.round(rowsPerSecond),
      steadyRowsPerSecond: Math.round((rows - firstRows) / Math.max(0.001, (last - first) / 1000)),
      targetCommits: commits,
      ceiling: { seconds: round(ceilingSeconds, 3), rowsPerSecond: Math.round(rows / ceilingSeconds) },
      ratio: round(rowsPerSecond / (rows / ceilingSeconds), 2),
      sourceWriteSeconds: round(sourceWriteSeconds, 3),
      publishedSeconds: round(publishedSeconds, 3),
      applier: {
        conflicts: applierStats?.conflicts ?? 0,
        duplicatesSkipped: applierStats?.duplicatesSkipped ?? 0,
        carefulReplays: applierStats?.carefulReplays ?? 0,
        deadLettered: applierStats?.deadLettered ?? 0,
        lockRetries: link.applierLog.lockRetries,
        problems: link.applierLog.problems,
      },
      reader: { unversioned: readerStats?.unversioned, problems: link.readerLog.problems },
      targetCalls: { ...writerCalls, total: { calls: Object.values(writerCalls).reduce((n, c) => n + c.calls, 0), ms: Object.values(writerCalls).reduce((n, c) => n + c.ms, 0) } },
      cpu: {
        benchProcessSeconds: round((cpuUsed.user + cpuUsed.system) / 1e6, 2),
        target,
        machineBusySeconds: machineAtStart === undefined || machineAtEnd === undefined ? undefined : round(machineAtEnd - machineAtStart, 2),
      },
      ...(profileFile ? { profile: await summarizeApplierProfile(profileFile) } : {}),
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
export async function measureLag(from: EngineName, to: EngineName, urls: StackUrls, rowsPerSecond: number, seconds: number, mode: LinkMode): Promise<LagResult> {
  const link = new BenchLink(from, to, urls, mode);
  try {
    await link.setup();
    if (mode === 'two-way') await link.installTargetVersioning();
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
    const stats = link.applierStats;
    return {
      mode,
      offeredRowsPerSecond: rowsPerSecond,
      seconds,
      writtenRowsPerSecond: Math.round(total / seconds),
      lagMs: { p50: round(pct(50), 1), p99: round(pct(99), 1), max: round(lags.at(-1) ?? 0, 1), samples: lags.length },
      kafkaToTargetMs: { p50: round(pctOf(applierLags, 50), 1), p99: round(pctOf(applierLags, 99), 1) },
      ...(mode === 'two-way' ? { applier: { conflicts: stats?.conflicts ?? 0, duplicatesSkipped: stats?.duplicatesSkipped ?? 0, lockRetries: link.applierLog.lockRetries, problems: link.applierLog.problems } } : {}),
    };
  } finally {
    await link.cleanup();
  }
}

export interface TriggerCostResult {
  engine: EngineName;
  rows: number;
  /** Seconds per round, plain table and versioned table (rounds alternate: plain, versioned, plain, ...). */
  plainSeconds: number[];
  versionedSeconds: number[];
  /** Best round of each, as rows/s. */
  plainRowsPerSecond: number;
  versionedRowsPerSecond: number;
  /** Versioned ÷ plain time (best rounds): how much longer local writes take with the version triggers. */
  ratio: number;
}

/**
 * The source side of two-way: local writes go through a BEFORE ROW trigger that upserts the row's
 * version into the shadow table. The ceiling-like load (multi-row INSERT, 500 rows per statement, a
 * commit every 5,000 rows, one connection) into a fresh table without triggers and into one with
 * Tandem's versioning installed (installVersioning, as a two-way node's reader does), alternating,
 * `rounds` times each, in one fresh database on the source's server. No reader runs.
 */
export async function measureTriggerCost(engine: EngineName, urls: StackUrls, rows: number, rounds = 2): Promise<TriggerCostResult> {
  const db = new BenchDatabase(engine, `bench_${Math.random().toString(16).slice(2, 8)}_trg`, engine === 'postgres' ? urls.pgUrl : urls.mysqlUrl);
  try {
    await db.create();
    const node = { name: 'bench_trigger_cost', engine, connection: { url: db.url } };
    const schema = engine === 'postgres' ? 'public' : db.name;
    const plainSeconds: number[] = [];
    const versionedSeconds: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await db.query(tableDdl(engine).replace('bench_rows', `bench_plain_${r}`));
      plainSeconds.push(await loadRows(db, `bench_plain_${r}`, rows));
      await db.query(tableDdl(engine).replace('bench_rows', `bench_versioned_${r}`));
      await installVersioning(node, [{ schema, table: `bench_versioned_${r}` }], 1);
      versionedSeconds.push(await loadRows(db, `bench_versioned_${r}`, rows));
    }
    const shadowRows = Number((await db.query(`SELECT count(*) AS n FROM tandem_v_bench_versioned_0`))[0]?.n);
    if (shadowRows !== rows) throw new Error(`the versioning triggers stamped ${shadowRows} rows, not ${rows}`);
    const best = (list: number[]) => Math.min(...list);
    return {
      engine,
      rows,
      plainSeconds: plainSeconds.map((x) => round(x, 3)),
      versionedSeconds: versionedSeconds.map((x) => round(x, 3)),
      plainRowsPerSecond: Math.round(rows / best(plainSeconds)),
      versionedRowsPerSecond: Math.round(rows / best(versionedSeconds)),
      ratio: round(best(versionedSeconds) / best(plainSeconds), 2),
    };
  } finally {
    await db.drop();
  }
}
