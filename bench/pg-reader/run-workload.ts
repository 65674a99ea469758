import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { summarizeCpuProfile, type ProfileSummary } from '../framework/cpu-profile.js';
import { formatCount, round } from '../framework/format.js';
import { PROJECT_ROOT } from '../framework/results.js';
import { runCeiling } from './ceiling.js';
import { BenchFixture } from './fixture.js';
import { runTandem } from './tandem-run.js';
import { writeWorkload, type Workload } from './workloads.js';

/** One workload, start to finish: fixture, writer, ceiling, Tandem, cleanup. */

export interface WorkloadResult {
  workload: Workload['name'];
  label: string;
  rows: number;
  transactions: number;
  writer: { seconds: number; rowsPerSecond: number };
  /** machineBusyCpuSeconds: CPU the whole machine used meanwhile (2 cores → at most 2 × seconds); what the named processes do not account for is other work. */
  ceiling: {
    seconds: number;
    rowsPerSecond: number;
    walsenderCpuSeconds: number | undefined;
    pgRecvlogicalCpuSeconds: number | undefined;
    machineBusyCpuSeconds: number | undefined;
  };
  tandem: {
    seconds: number;
    rowsPerSecond: number;
    startupSeconds: number;
    streamingSeconds: number;
    streamingRowsPerSecond: number;
    peakRssMiB: number;
    medianRssMiB: number;
    readerCpuSeconds: number | undefined;
    walsenderCpuSeconds: number | undefined;
    kafkaBrokerCpuSeconds: number | undefined;
    machineBusyCpuSeconds: number | undefined;
    readerStats: unknown;
    readerStarts: number;
    readerWarnings: string[];
    logFile: string;
    /** Kafka log bytes of the changes topic per row (Avro value, key, record and batch overhead). */
    changesTopicBytesPerRow: number | undefined;
  };
  /** Tandem rows/s ÷ pg_recvlogical rows/s, from process start (and for the streaming phase only). */
  ratio: number;
  streamingRatio: number;
  /** 1/5/15-minute load averages before the ceiling run and after the Tandem run: > 2 means contention on this 2-core machine. */
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  cleanupProblems: string[];
  profile?: { file: string; summary: ProfileSummary };
}

export interface RunOptions {
  cpuProfileDir: string | undefined;
  variants: string[];
  /** Extra node flags for the reader process (e.g. --max-semi-space-size=64). */
  nodeOptions: string[];
}

export async function runWorkload(workload: Workload, pgUrl: string, kafkaBrokers: string[], { cpuProfileDir, variants, nodeOptions }: RunOptions): Promise<WorkloadResult> {
  const fixture = new BenchFixture(pgUrl, kafkaBrokers);
  process.stderr.write(`[pg-reader] ${workload.label}: setting up ${fixture.schema} (publication, 2 slots)\n`);
  const writer = new pg.Client({ connectionString: pgUrl, application_name: 'tandem-bench-writer' });
  try {
    await fixture.setup();
    await writer.connect();
    process.stderr.write(`[pg-reader] writing ${formatCount(workload.rows)} rows…\n`);
    const written = await writeWorkload(writer, fixture.table, workload);
    await writer.end();
    await fixture.waitForFlush(written.afterLastCommitLsn);
    process.stderr.write(`[pg-reader] wrote in ${written.seconds.toFixed(1)} s (${written.transactions} transactions, last commit ${written.beforeLastCommitLsn}..${written.afterLastCommitLsn})\n`);

    const loadAverageBefore = os.loadavg().map((l) => round(l));
    process.stderr.write(`[pg-reader] ceiling: pg_recvlogical…\n`);
    const ceiling = await runCeiling(fixture, written.afterLastCommitLsn);
    process.stderr.write(`[pg-reader] ceiling: ${ceiling.seconds.toFixed(2)} s\n[pg-reader] tandem run…\n`);
    const kafkaPid = kafkaBrokerPid();
    const tandem = await runTandem(fixture, {
      beyondLsn: written.beforeLastCommitLsn,
      variants,
      nodeOptions,
      ...(cpuProfileDir ? { cpuProfileDir } : {}),
      ...(kafkaPid ? { watch: { kafka: kafkaPid } } : {}),
    });
    process.stderr.write(`[pg-reader] tandem: ${tandem.seconds.toFixed(2)} s\n`);
    const loadAverageAfter = os.loadavg().map((l) => round(l));
    const changesTopicBytes = variants.includes('null-kafka') ? undefined : await fixture.changesTopicBytes();
    const cleanupProblems = await fixture.cleanup();

    const rps = (s: number) => round(workload.rows / s, 0);
    const result: WorkloadResult = {
      workload: workload.name,
      label: workload.label,
      rows: workload.rows,
      transactions: written.transactions,
      writer: { seconds: round(written.seconds), rowsPerSecond: rps(written.seconds) },
      ceiling: {
        seconds: round(ceiling.seconds, 3),
        rowsPerSecond: rps(ceiling.seconds),
        walsenderCpuSeconds: roundOpt(ceiling.walsenderCpuSeconds),
        pgRecvlogicalCpuSeconds: roundOpt(ceiling.pgRecvlogicalCpuSeconds),
        machineBusyCpuSeconds: roundOpt(ceiling.machineBusyCpuSeconds),
      },
      tandem: {
        seconds: round(tandem.seconds, 3),
        rowsPerSecond: rps(tandem.seconds),
        startupSeconds: round(tandem.startupSeconds, 3),
        streamingSeconds: round(tandem.streamingSeconds, 3),
        streamingRowsPerSecond: rps(tandem.streamingSeconds),
        peakRssMiB: round(tandem.peakRssBytes / 2 ** 20, 1),
        medianRssMiB: round(tandem.medianRssBytes / 2 ** 20, 1),
        readerCpuSeconds: roundOpt(tandem.readerCpuSeconds),
        walsenderCpuSeconds: roundOpt(tandem.walsenderCpuSeconds),
        kafkaBrokerCpuSeconds: roundOpt(tandem.otherCpuSeconds.kafka),
        machineBusyCpuSeconds: roundOpt(tandem.machineBusyCpuSeconds),
        readerStats: tandem.readerStats,
        readerStarts: tandem.readerStarts,
        readerWarnings: tandem.readerWarnings,
        logFile: tandem.logFile,
        changesTopicBytesPerRow: changesTopicBytes === undefined ? undefined : round(changesTopicBytes / workload.rows, 1),
      },
      ratio: round(ceiling.seconds / tandem.seconds, 3),
      streamingRatio: round(ceiling.seconds / tandem.streamingSeconds, 3),
      loadAverageBefore,
      loadAverageAfter,
      cleanupProblems,
    };
    if (tandem.readerStarts > 1) {
      cleanupProblems.push(`the reader was restarted ${tandem.readerStarts - 1} time(s) by its supervisor (see ${tandem.logFile}): ${tandem.readerWarnings.join(' | ')}`);
    } else if (tandem.readerStats?.eventsPublished !== undefined && tandem.readerStats.eventsPublished !== workload.rows) {
      cleanupProblems.push(`the reader published ${tandem.readerStats.eventsPublished} events, expected ${workload.rows}`);
    }
    if (tandem.cpuProfile) result.profile = { file: path.relative(PROJECT_ROOT, tandem.cpuProfile), summary: await summarizeCpuProfile(tandem.cpuProfile) };
    return result;
  } catch (error) {
    await writer.end().catch(() => undefined);
    const problems = await fixture.cleanup();
    if (problems.length) process.stderr.write(`[pg-reader] cleanup after failure: ${problems.join('; ')}\n`);
    throw error;
  }
}

function roundOpt(n: number | undefined): number | undefined {
  return n === undefined ? undefined : round(n);
}

/** The local stack's Kafka broker (its pid file), to record the broker's CPU time; undefined with Docker. */
function kafkaBrokerPid(): number | undefined {
  const file = path.join(PROJECT_ROOT, '.tandem', 'stack', 'kafka', 'kafka.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? pid : undefined;
}

