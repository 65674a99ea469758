/**
 * npm run bench -- [<name> [flags]]
 *
 * Runs one benchmark (or, with no name, all of them with default settings), writes its results to
 * bench/results/<name>.json and prints a short summary. See docs/benchmarks.md.
 */
import path from 'node:path';
import { machineInfo } from './framework/machine.js';
import { PROJECT_ROOT, writeResults } from './framework/results.js';
import type { Benchmark } from './framework/types.js';
import { BENCHMARKS } from './registry.js';

function usage(): string {
  const names = BENCHMARKS.map((b) => `  ${b.name.padEnd(14)} ${b.description}`).join('\n');
  return `usage: npm run bench -- [<name> [flags]]\n\nbenchmarks:\n${names}\n\nWith no name, every benchmark runs with its default settings.`;
}

async function runOne(benchmark: Benchmark, args: string[]): Promise<void> {
  const startedAt = new Date();
  const machine = machineInfo();
  process.stderr.write(`== ${benchmark.name}\n`);
  const outcome = await benchmark.run(args);
  const file = await writeResults(outcome.resultsName ?? benchmark.name, outcome, startedAt, machine);
  process.stdout.write(`${outcome.summary.join('\n')}\n  → ${path.relative(PROJECT_ROOT, file)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === undefined) {
    for (const benchmark of BENCHMARKS) await runOne(benchmark, []);
    return 0;
  }
  const benchmark = BENCHMARKS.find((b) => b.name === name);
  if (!benchmark) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n\n${usage()}\n`);
    return 2;
  }
  await runOne(benchmark, args);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
}
