import path from 'node:path';
import { parseArgs } from 'node:util';
import { stackUp } from '../../src/stack/index.js';
import { PROJECT_ROOT } from '../framework/results.js';
import type { Benchmark } from '../framework/types.js';
import { renderMedians, renderWorkload } from './report.js';
import { runWorkload, type WorkloadResult } from './run-workload.js';
import { VARIANTS } from './variants/names.js';
import { workloads } from './workloads.js';

const USAGE =
  'npm run bench -- pg-reader [--workload bulk|single] [--scale <factor, e.g. 0.1>] [--repeat <n>] [--cpu-prof] ' +
  '[--variant null-kafka|partition0|null-avro[,…]] [--node-options="<node flags for the reader>"]';

/**
 * Catch-up throughput of the PostgreSQL reader against the ceiling of pg_recvlogical, on the local stack.
 * Per workload: write the rows with no reader running (both slots already exist), then let
 * pg_recvlogical and then Tandem (a `tandem run` child process) stream the same changes.
 */
export const pgReaderBenchmark: Benchmark = {
  name: 'pg-reader',
  description: 'PostgreSQL reader catch-up throughput vs pg_recvlogical (needs the local stack)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        workload: { type: 'string' },
        scale: { type: 'string', default: '1' },
        'cpu-prof': { type: 'boolean', default: false },
        variant: { type: 'string', default: '' },
        repeat: { type: 'string', default: '1' },
        'node-options': { type: 'string', default: '' },
      },
    });
    const scale = Number(values.scale);
    if (!(scale > 0)) throw new Error(`--scale must be a positive number. Usage: ${USAGE}`);
    const selected = workloads(scale).filter((w) => !values.workload || w.name === values.workload);
    if (selected.length === 0) throw new Error(`unknown workload "${values.workload}" (bulk, single). Usage: ${USAGE}`);
    const variants = values.variant.split(',').filter(Boolean);
    const unknown = variants.filter((v) => !(VARIANTS as readonly string[]).includes(v));
    if (unknown.length) throw new Error(`unknown variant ${unknown.join(', ')} (known: ${VARIANTS.join(', ')}). Usage: ${USAGE}`);
    const repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer. Usage: ${USAGE}`);
    const nodeOptions = values['node-options'].split(/\s+/).filter(Boolean);
    const cpuProfileDir = values['cpu-prof'] ? path.join(PROJECT_ROOT, '.tandem', 'bench', 'profiles') : undefined;

    const stack = await stackUp({ log: () => undefined });
    const results: Array<WorkloadResult & { round: number }> = [];
    const summary: string[] = [];
    for (let round = 1; round <= repeat; round++) {
      for (const workload of selected) {
        const result = await runWorkload(workload, stack.env.pgUrl, stack.env.kafkaBrokers, { cpuProfileDir, variants, nodeOptions });
        results.push({ round, ...result });
        summary.push(...renderWorkload(result, repeat > 1 ? ` [round ${round}/${repeat}]` : ''));
      }
    }
    if (repeat > 1) summary.push(...renderMedians(results));
    return {
      parameters: {
        scale,
        workloads: selected,
        stackBackend: stack.backend,
        readerSettings: 'defaults (src/config/schema.ts)',
        ceiling: 'pg_recvlogical --plugin pgoutput -o proto_version=1 -o publication_names=… -o messages=true -f /dev/null --endpos …',
        cpuProfile: !!cpuProfileDir,
        variants,
        nodeOptions,
        repeat,
      },
      results,
      // Diagnostic runs (variants, profiling overhead) get their own file: pg-reader.json stays the plain measurement.
      resultsName: [
        'pg-reader',
        ...(variants.length ? [`variant-${variants.join('+')}`] : []),
        ...(nodeOptions.length ? ['node-options'] : []),
        ...(cpuProfileDir ? ['cpu-prof'] : []),
      ].join('.'),
      summary,
    };
  },
};
