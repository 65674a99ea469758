import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitCommit, type MachineInfo } from './machine.js';
import type { BenchOutcome } from './types.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');

/** Writes bench/results/<name>.json (via a .tmp file, so a crash never leaves half a file). */
/** `machine` is taken when the benchmark starts (its load average describes the conditions of the run). */
export async function writeResults(name: string, outcome: BenchOutcome, startedAt: Date, machine: MachineInfo): Promise<string> {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const document = {
    benchmark: name.split('.')[0],
    date: startedAt.toISOString(),
    commit: gitCommit(PROJECT_ROOT),
    machine,
    parameters: outcome.parameters,
    results: outcome.results,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify(document, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return file;
}
