import { Admin } from '@platformatic/kafka';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { stringify as toYaml } from 'yaml';
import { validateConfig } from '../../src/config/load.js';
import { baseClientOptions, kafkaConnection } from '../../src/kafka/client-options.js';
import { ensureTopics } from '../../src/kafka/topic-admin.js';
import { topicNames } from '../../src/kafka/topic-names.js';
import { createTransactionalProducer } from '../../src/kafka/transactional-producer.js';
import { MariadbGtidPosition } from '../../src/mysql/gtid.js';
import { MysqlPosition } from '../../src/mysql/mysql-position.js';
import { currentPosition } from '../../src/mysql/start-position.js';
import { loadStoredOffset, offsetRecord } from '../../src/reader/offset-store.js';
import { stackUp } from '../../src/stack/index.js';
import { formatCount, round } from '../framework/format.js';
import { PROJECT_ROOT } from '../framework/results.js';
import type { BenchOutcome } from '../framework/types.js';
import { machineBusySeconds, ProcessSampler } from '../pg-reader/proc-stats.js';
import { runMysqlCeiling } from './ceiling.js';
import { mysqlWorkloads, tableDdl, writeWorkload, type MysqlWorkload } from './workloads.js';

const USAGE = 'npm run bench -- mysql-reader [--workload bulk|single] [--scale <factor, e.g. 0.1>]';

/**
 * Catch-up throughput of the MySQL/MariaDB reader against the ceiling of `mariadb-binlog --raw`, on the
 * local stack. Per workload: store a reader offset at the server's current position, write the rows
 * with no reader running, then let mariadb-binlog and then Tandem (a `tandem run` child process) read
 * the same binlog range.
 */
export async function runMysqlReaderBench(args: string[] = []): Promise<BenchOutcome> {
  const { values } = parseArgs({ args, options: { workload: { type: 'string' }, scale: { type: 'string', default: '1' } } });
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number. Usage: ${USAGE}`);
  const selected = mysqlWorkloads(scale).filter((w) => !values.workload || w.name === values.workload);
  if (selected.length === 0) throw new Error(`unknown workload "${values.workload}" (bulk, single). Usage: ${USAGE}`);
  const stack = await stackUp({ log: () => undefined });
  const results: WorkloadResult[] = [];
  const summary: string[] = [];
  for (const workload of selected) {
    const result = await runWorkload(workload, stack.env.mysqlUrl, stack.env.kafkaBrokers);
    results.push(result);
    summary.push(
      `${workload.label}: tandem ${formatCount(result.tandem.rowsPerSecond)} rows/s (streaming ${formatCount(result.tandem.streamingRowsPerSecond)}), ` +
        `mariadb-binlog --raw ${formatCount(result.ceiling.rowsPerSecond)} rows/s, ratio ${result.ratio} (streaming ${result.streamingRatio}), peak RSS ${result.tandem.peakRssMiB} MiB`,
    );
  }
  return {
    parameters: {
      scale,
      workloads: selected,
      stackBackend: stack.backend,
      readerSettings: 'defaults (src/config/schema.ts)',
      ceiling: 'mariadb-binlog --read-from-remote-server --raw --start-position=… --to-last-log --result-file=/dev/shm/…/',
    },
    results,
    summary,
  };
}

export const mysqlReaderBenchmark = {
  name: 'mysql-reader',
  description: 'MySQL/MariaDB reader catch-up throughput vs mariadb-binlog --raw (needs the local stack)',
  run: runMysqlReaderBench,
};

interface WorkloadResult {
  workload: MysqlWorkload['name'];
  label: string;
  rows: number;
  transactions: number;
  binlogBytes: number;
  writer: { seconds: number; rowsPerSecond: number };
  ceiling: { seconds: number; rowsPerSecond: number; clientCpuSeconds: number | undefined; machineBusyCpuSeconds: number | undefined };
  tandem: {
    seconds: number;
    rowsPerSecond: number;
    startupSeconds: number;
    streamingSeconds: number;
    streamingRowsPerSecond: number;
    peakRssMiB: number;
    medianRssMiB: number;
    readerCpuSeconds: number | undefined;
    machineBusyCpuSeconds: number | undefined;
  };
  /** Tandem rows/s ÷ mariadb-binlog rows/s, from process start (and for the streaming phase only). */
  ratio: number;
  streamingRatio: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
}

async function runWorkload(workload: MysqlWorkload, mysqlUrl: string, brokers: string[]): Promise<WorkloadResult> {
  const id = randomBytes(4).toString('hex');
  const database = `bench_${id}`;
  const node = `mb_${id}`;
  const prefix = `bench.${id}`;
  const url = new URL(mysqlUrl);
  const sql = await mysql.createConnection({ uri: mysqlUrl, multipleStatements: true });
  const kafka = { brokers, clientId: 'tandem-bench' };
  try {
    await sql.query(`CREATE DATABASE ${database}`);
    await sql.query(`USE ${database}`);
    await sql.query(tableDdl('orders'));
    const server = await currentPosition(sql, 'mariadb');
    if (!(server.gtids instanceof MariadbGtidPosition)) throw new Error('the benchmark runs against MariaDB (the stack)');
    await storeOffset(prefix, node, kafka, server);
    process.stderr.write(`[mysql-reader] ${workload.label}: writing ${formatCount(workload.rows)} rows into ${database}.orders…\n`);
    const written = await writeWorkload(sql, 'orders', workload);
    const end = await currentPosition(sql, 'mariadb');
    const binlogBytes = end.file === server.file ? end.offset - server.offset : NaN;
    process.stderr.write(`[mysql-reader] wrote in ${written.seconds.toFixed(1)} s; ceiling: mariadb-binlog --raw…\n`);

    const loadAverageBefore = loadavg().map((l) => round(l));
    const ceiling = await runMysqlCeiling(
      { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
      server.file,
      server.offset,
    );
    process.stderr.write(`[mysql-reader] ceiling: ${ceiling.seconds.toFixed(2)} s; tandem run…\n`);
    const configFile = path.join(PROJECT_ROOT, '.tandem', 'bench', `${node}.yaml`);
    await mkdir(path.dirname(configFile), { recursive: true });
    const nodeUrl = new URL(mysqlUrl);
    nodeUrl.pathname = `/${database}`;
    await writeFile(
      configFile,
      toYaml(validateConfig({ kafka: { brokers, topicPrefix: prefix }, nodes: [{ name: node, engine: 'mysql', connection: { url: nodeUrl.toString() }, tables: ['orders'] }] })),
    );
    const tandem = await runTandem(configFile, prefix, node, kafka, end);
    const loadAverageAfter = loadavg().map((l) => round(l));
    const rps = (s: number) => round(workload.rows / s, 0);
    return {
      workload: workload.name,
      label: workload.label,
      rows: workload.rows,
      transactions: written.transactions,
      binlogBytes,
      writer: { seconds: round(written.seconds), rowsPerSecond: rps(written.seconds) },
      ceiling: { seconds: round(ceiling.seconds, 3), rowsPerSecond: rps(ceiling.seconds), clientCpuSeconds: ceiling.clientCpuSeconds, machineBusyCpuSeconds: ceiling.machineBusyCpuSeconds },
      tandem: {
        seconds: round(tandem.seconds, 3),
        rowsPerSecond: rps(tandem.seconds),
        startupSeconds: round(tandem.startupSeconds, 3),
        streamingSeconds: round(tandem.seconds - tandem.startupSeconds, 3),
        streamingRowsPerSecond: rps(tandem.seconds - tandem.startupSeconds),
        peakRssMiB: round(tandem.peakRssBytes / 2 ** 20, 1),
        medianRssMiB: round(tandem.medianRssBytes / 2 ** 20, 1),
        readerCpuSeconds: tandem.cpuSeconds,
        machineBusyCpuSeconds: tandem.machineBusyCpuSeconds,
      },
      ratio: round(ceiling.seconds / tandem.seconds, 3),
      streamingRatio: round(ceiling.seconds / (tandem.seconds - tandem.startupSeconds), 3),
      loadAverageBefore,
      loadAverageAfter,
    };
  } finally {
    await sql.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await sql.end().catch(() => undefined);
    const admin = new Admin(baseClientOptions(kafkaConnection(kafka), 'bench-admin'));
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.close();
    }
  }
}

/** Stores a reader offset at `position` (as a reader would have), so `tandem run` starts there. */
async function storeOffset(prefix: string, node: string, kafka: { brokers: string[]; clientId: string }, position: MysqlPosition): Promise<void> {
  const topics = topicNames(prefix);
  await ensureTopics(kafka, [
    { name: topics.changes(node), partitions: 1, replicationFactor: 1 },
    { name: topics.offsets, partitions: 1, replicationFactor: 1, compacted: true },
    { name: topics.schemas, partitions: 1, replicationFactor: 1, compacted: true },
  ]);
  const producer = createTransactionalProducer(kafka, { transactionalId: `${prefix}.reader.${node}` });
  try {
    await producer.begin();
    await producer.send([offsetRecord(topics.offsets, `reader.${node}`, position)]);
    await producer.commit();
  } finally {
    await producer.close();
  }
}

interface TandemRun {
  seconds: number;
  startupSeconds: number;
  peakRssBytes: number;
  medianRssBytes: number;
  cpuSeconds: number | undefined;
  machineBusyCpuSeconds: number | undefined;
}

/** `tandem run` as a child process until the offsets topic holds a position at or after `end`. */
async function runTandem(configFile: string, prefix: string, node: string, kafka: { brokers: string[]; clientId: string }, end: MysqlPosition): Promise<TandemRun> {
  const machineBusyAtStart = machineBusySeconds();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', configFile], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TANDEM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const sampler = new ProcessSampler(child.pid!, 100);
  let startupSeconds: number | undefined;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-20_000);
    if (startupSeconds === undefined && stderr.includes('"mysql reader starting"')) startupSeconds = elapsed();
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      if (exited) throw new Error(`tandem run exited early:\n${stderr.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`the reader did not catch up within 30 minutes:\n${stderr.slice(-4000)}`);
      const stored = await loadStoredOffset(kafka, topicNames(prefix).offsets, `reader.${node}`);
      if (stored) {
        const position = MysqlPosition.fromJson(stored.position);
        const cmp = position.compare(end);
        if (cmp === 0 || cmp === 1) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = elapsed();
    const machineBusy = (machineBusySeconds() ?? NaN) - (machineBusyAtStart ?? NaN);
    sampler.stop();
    const sorted = [...sampler.rssSamples].sort((a, b) => a - b);
    return {
      seconds,
      startupSeconds: startupSeconds ?? 0,
      peakRssBytes: sampler.peakRss,
      medianRssBytes: sorted[Math.floor(sorted.length / 2)] ?? 0,
      cpuSeconds: sampler.cpuUsed,
      machineBusyCpuSeconds: Number.isNaN(machineBusy) ? undefined : machineBusy,
    };
  } finally {
    sampler.stop();
    child.kill('SIGTERM');
    await new Promise((resolve) => (exited ? resolve(undefined) : child.once('exit', resolve)));
  }
}
