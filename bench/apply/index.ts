import { parseArgs } from 'node:util';
import { stackUp } from '../../src/stack/index.js';
import { renderProfileSummary } from '../framework/cpu-profile.js';
import { formatCount, round } from '../framework/format.js';
import type { Benchmark, BenchOutcome } from '../framework/types.js';
import type { EngineName, LinkMode } from './endpoints.js';
import { measureLag, measureThroughput, measureTriggerCost, type LagResult, type ThroughputResult, type TriggerCostResult } from './measure.js';

const USAGE =
  'npm run bench -- apply [--directions pg-pg,pg-mysql,mysql-pg,mysql-mysql] [--mode one-way,two-way] [--rows 200000] [--seconds 20] [--loads 2000,10000] [--cpu-prof]';

const MODES: LinkMode[] = ['one-way', 'two-way'];

const DIRECTIONS: Record<string, [EngineName, EngineName]> = {
  'pg-pg': ['postgres', 'postgres'],
  'pg-mysql': ['postgres', 'mysql'],
  'mysql-pg': ['mysql', 'postgres'],
  'mysql-mysql': ['mysql', 'mysql'],
};

/** One entry per direction and mode (results files before --mode hold one-way entries without `mode`). */
interface DirectionResult {
  direction: string;
  mode: LinkMode;
  throughput: ThroughputResult;
  lag: LagResult[];
  /** Two-way, when one-way ran too: this mode against one-way, measured in the same run. */
  vsOneWay?: {
    /** Two-way rows/s ÷ one-way rows/s (from the applier's start, and steady). */
    rowsPerSecond: number;
    steadyRowsPerSecond: number;
    /**
     * Two-way ratio-to-ceiling ÷ one-way ratio-to-ceiling: meant to correct for the machine's drift between
     * the runs, but each ceiling is one ~2 s load that varies ±20 % itself, so this is the noisier figure.
     */
    ceilingNormalized: number;
  };
  /** Two-way: the cost of the version triggers on the source's local writes. */
  sourceTriggers?: TriggerCostResult;
}

/**
 * Appliers, per direction: rows/s applied from a backlog in Kafka against the ceiling of loading the
 * same rows straight into the target, and end-to-end lag (source commit → target commit) p50/p99 at
 * offered loads of 2k and 10k rows/s; with --mode two-way also on a last-writer-wins link, and the
 * source-side cost of the version triggers. See docs/benchmarks.md, "apply".
 */
async function run(args: string[]): Promise<BenchOutcome> {
  const { values } = parseArgs({
    args,
    options: {
      directions: { type: 'string', default: Object.keys(DIRECTIONS).join(',') },
      rows: { type: 'string', default: '200000' },
      seconds: { type: 'string', default: '20' },
      loads: { type: 'string', default: '2000,10000' },
      mode: { type: 'string', default: 'one-way' },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const seconds = Number(values.seconds);
  const loads = values.loads.split(',').map(Number);
  const directions = values.directions.split(',');
  const modes = values.mode.split(',') as LinkMode[];
  const profile = values['cpu-prof'];
  for (const d of directions) if (!DIRECTIONS[d]) throw new Error(`unknown direction "${d}". Usage: ${USAGE}`);
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`unknown mode "${m}". Usage: ${USAGE}`);
  if (!(rows > 0) || !(seconds > 0) || loads.some((l) => !(l > 0))) throw new Error(`bad numbers. Usage: ${USAGE}`);
  const stack = await stackUp({ log: () => undefined });
  const urls = { pgUrl: stack.env.pgUrl, mysqlUrl: stack.env.mysqlUrl, kafkaBrokers: stack.env.kafkaBrokers };
  const results: DirectionResult[] = [];
  const summary: string[] = [];
  for (const direction of directions) {
    const [from, to] = DIRECTIONS[direction]!;
    // Throughput of every mode first, back to back, then the lag runs: the ratio between modes sees one machine.
    const throughputs = new Map<LinkMode, ThroughputResult>();
    for (const mode of modes) {
      process.stderr.write(`-- ${direction} ${mode}: throughput (${rows} rows)${profile ? ', CPU profile' : ''}\n`);
      throughputs.set(mode, await measureThroughput(from, to, urls, rows, mode, profile ? { profileName: `apply-${direction}-${mode}` } : {}));
    }
    for (const mode of modes) {
      const throughput = throughputs.get(mode)!;
      const lag: LagResult[] = [];
      // --cpu-prof is a diagnostic run of the throughput phase: no lag runs.
      for (const load of profile ? [] : loads) {
        process.stderr.write(`-- ${direction} ${mode}: lag at ${load} rows/s for ${seconds} s\n`);
        lag.push(await measureLag(from, to, urls, load, seconds, mode));
      }
      const result: DirectionResult = { direction, mode, throughput, lag };
      const oneWay = throughputs.get('one-way');
      if (mode === 'two-way' && oneWay) {
        result.vsOneWay = {
          rowsPerSecond: round(throughput.rowsPerSecond / oneWay.rowsPerSecond, 2),
          steadyRowsPerSecond: oneWay.steadyRowsPerSecond > 0 ? round(throughput.steadyRowsPerSecond / oneWay.steadyRowsPerSecond, 2) : 0,
          ceilingNormalized: round(throughput.ratio / oneWay.ratio, 2),
        };
      }
      if (mode === 'two-way' && !profile) {
        process.stderr.write(`-- ${direction} ${mode}: source-side trigger cost (${from}, ${rows} rows)\n`);
        result.sourceTriggers = await measureTriggerCost(from, urls, rows);
      }
      results.push(result);
      summary.push(summaryLine(result));
      if (throughput.profile) summary.push(`  CPU profile: ${throughput.profile.file}`, ...renderApplierPaths(throughput.profile.applierPaths), ...renderProfileSummary(throughput.profile.summary));
    }
  }
  return {
    parameters: {
      rows,
      sourceTransactionRows: 100,
      lagSeconds: seconds,
      loads,
      directions,
      stackBackend: stack.backend,
      linkSettings: 'defaults (batchMaxRows 5000, batchMaxDelayMs 200), ordering: transaction',
      readerSettings: 'defaults, chunkMaxBytes 512 KiB',
      ceiling: 'multi-row INSERT, 500 rows per statement, commit every 5,000 rows, one connection',
      modes,
      twoWay: 'both links mode two-way, source rank 1, target rank 2; the s->t applier runs, the reverse link is configured only',
      sourceTriggers: 'the ceiling load into a fresh table without and with the version triggers, alternating, 2 rounds each, best of each',
      cpuProfile: profile,
    },
    results,
    summary,
    ...(profile ? { resultsName: 'apply.cpu-prof' } : {}),
  };
}

function summaryLine(r: DirectionResult): string {
  const t = r.throughput;
  const parts = [
    `${r.direction} ${r.mode}: ${formatCount(t.rowsPerSecond)} rows/s applied (steady ${formatCount(t.steadyRowsPerSecond)}), ceiling ${formatCount(t.ceiling.rowsPerSecond)} rows/s, ratio ${t.ratio}`,
  ];
  if (r.vsOneWay) parts.push(`vs one-way ${r.vsOneWay.rowsPerSecond} (steady ${r.vsOneWay.steadyRowsPerSecond}, ceiling-normalized ${r.vsOneWay.ceilingNormalized})`);
  const cpu = t.cpu;
  parts.push(
    `CPU bench ${cpu.benchProcessSeconds} s, target server ${cpu.target?.serverSeconds ?? '?'} s (session ${cpu.target?.busiestSessionSeconds ?? '?'} s), machine ${cpu.machineBusySeconds ?? '?'} s in ${t.seconds} s`,
  );
  const calls = Object.entries(t.targetCalls).filter(([k]) => k !== 'total').slice(0, 6).map(([k, v]) => `${k} ${v.ms}`);
  parts.push(`target calls ${t.targetCalls.total?.ms ?? 0} ms of ${Math.round(t.seconds * 1000)} (${calls.join(', ')})`);
  if (r.mode === 'two-way') parts.push(`conflicts ${t.applier.conflicts}, duplicates ${t.applier.duplicatesSkipped}, lock retries ${t.applier.lockRetries}, unversioned ${t.reader.unversioned ?? '?'}`);
  if (t.applier.problems.length || t.reader.problems.length) parts.push(`logged: ${[...t.applier.problems, ...t.reader.problems].join(' | ')}`);
  parts.push(...r.lag.map((l) => `lag @${formatCount(l.offeredRowsPerSecond)}/s p50 ${l.lagMs.p50} ms p99 ${l.lagMs.p99} ms`));
  if (r.sourceTriggers) {
    const s = r.sourceTriggers;
    parts.push(`source writes (${s.engine}) plain ${formatCount(s.plainRowsPerSecond)} rows/s, with version triggers ${formatCount(s.versionedRowsPerSecond)} rows/s: ${s.ratio}× the time`);
  }
  return parts.join('; ');
}

function renderApplierPaths(paths: Array<{ function: string; ms: number; percent: number }>): string[] {
  return ['  applier code paths (inclusive, share of busy time):', ...paths.map((p) => `    ${p.percent.toFixed(1).padStart(5)}%  ${p.ms.toString().padStart(6)} ms  ${p.function}`)];
}

/** Register in bench/registry.ts: `import { applyBenchmark } from './apply/index.js'`. */
export const applyBenchmark: Benchmark = {
  name: 'apply',
  description: 'appliers: rows/s per direction (and link mode) against plain INSERTs, and end-to-end lag at 2k and 10k rows/s',
  run,
};
