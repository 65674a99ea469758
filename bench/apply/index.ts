import { parseArgs } from 'node:util';
import { stackUp } from '../../src/stack/index.js';
import { formatCount } from '../framework/format.js';
import type { Benchmark, BenchOutcome } from '../framework/types.js';
import type { EngineName } from './endpoints.js';
import { measureLag, measureThroughput, type LagResult, type ThroughputResult } from './measure.js';

const USAGE = 'npm run bench -- apply [--directions pg-pg,pg-mysql,mysql-pg,mysql-mysql] [--rows 200000] [--seconds 20] [--loads 2000,10000]';

const DIRECTIONS: Record<string, [EngineName, EngineName]> = {
  'pg-pg': ['postgres', 'postgres'],
  'pg-mysql': ['postgres', 'mysql'],
  'mysql-pg': ['mysql', 'postgres'],
  'mysql-mysql': ['mysql', 'mysql'],
};

interface DirectionResult {
  direction: string;
  throughput: ThroughputResult;
  lag: LagResult[];
}

/**
 * Appliers, per direction: rows/s applied from a backlog in Kafka against the ceiling of loading the
 * same rows straight into the target, and end-to-end lag (source commit → target commit) p50/p99 at
 * offered loads of 2k and 10k rows/s. See bench/apply/README.md.
 */
async function run(args: string[]): Promise<BenchOutcome> {
  const { values } = parseArgs({
    args,
    options: {
      directions: { type: 'string', default: Object.keys(DIRECTIONS).join(',') },
      rows: { type: 'string', default: '200000' },
      seconds: { type: 'string', default: '20' },
      loads: { type: 'string', default: '2000,10000' },
    },
  });
  const rows = Number(values.rows);
  const seconds = Number(values.seconds);
  const loads = values.loads.split(',').map(Number);
  const directions = values.directions.split(',');
  for (const d of directions) if (!DIRECTIONS[d]) throw new Error(`unknown direction "${d}". Usage: ${USAGE}`);
  if (!(rows > 0) || !(seconds > 0) || loads.some((l) => !(l > 0))) throw new Error(`bad numbers. Usage: ${USAGE}`);
  const stack = await stackUp({ log: () => undefined });
  const urls = { pgUrl: stack.env.pgUrl, mysqlUrl: stack.env.mysqlUrl, kafkaBrokers: stack.env.kafkaBrokers };
  const results: DirectionResult[] = [];
  const summary: string[] = [];
  for (const direction of directions) {
    const [from, to] = DIRECTIONS[direction]!;
    process.stderr.write(`-- ${direction}: throughput (${rows} rows)\n`);
    const throughput = await measureThroughput(from, to, urls, rows);
    const lag: LagResult[] = [];
    for (const load of loads) {
      process.stderr.write(`-- ${direction}: lag at ${load} rows/s for ${seconds} s\n`);
      lag.push(await measureLag(from, to, urls, load, seconds));
    }
    results.push({ direction, throughput, lag });
    summary.push(
      `${direction}: ${formatCount(throughput.rowsPerSecond)} rows/s applied (steady ${formatCount(throughput.steadyRowsPerSecond)}), ceiling ${formatCount(throughput.ceiling.rowsPerSecond)} rows/s, ratio ${throughput.ratio}; ` +
        lag.map((l) => `lag @${formatCount(l.offeredRowsPerSecond)}/s p50 ${l.lagMs.p50} ms p99 ${l.lagMs.p99} ms`).join(', '),
    );
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
    },
    results,
    summary,
  };
}

/** Register in bench/registry.ts: `import { applyBenchmark } from './apply/index.js'`. */
export const applyBenchmark: Benchmark = {
  name: 'apply',
  description: 'appliers: rows/s per direction against plain INSERTs, and end-to-end lag at 2k and 10k rows/s',
  run,
};
