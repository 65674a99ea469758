import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { summarizeCpuProfile, type FunctionTime, type ProfileSummary } from '../framework/cpu-profile.js';
import { PROJECT_ROOT } from '../framework/results.js';

/**
 * A V8 CPU profile of this process while the applier works (readers and appliers run in the benchmark's
 * process, and during a throughput run the reader has nothing left to do). Taken through the inspector,
 * like `node --cpu-prof` but for the applier phase only; written as a .cpuprofile that
 * bench/framework/summarize-profile.ts (or Chrome DevTools) reads.
 */
export class ApplierProfiler {
  readonly #session = new Session();

  static async start(): Promise<ApplierProfiler> {
    const profiler = new ApplierProfiler();
    profiler.#session.connect();
    await profiler.#session.post('Profiler.enable');
    await profiler.#session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await profiler.#session.post('Profiler.start');
    return profiler;
  }

  /** Stops, writes .tandem/bench/profiles/<name>.cpuprofile and returns its path. */
  async stop(name: string): Promise<string> {
    const { profile } = await this.#session.post('Profiler.stop');
    // The first sample's delta runs from the profile's start time, which here lies before the inspector
    // call that started it returned (it is charged to that call, inspector's post): not applier time.
    if (profile.timeDeltas?.length) {
      profile.startTime += profile.timeDeltas[0]!;
      profile.timeDeltas[0] = 0;
    }
    await this.#session.post('Profiler.disable');
    this.#session.disconnect();
    const dir = path.join(PROJECT_ROOT, '.tandem', 'bench', 'profiles');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${name}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    return file;
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** Applier code paths, by the frames on the stack ("function file", file relative to the project). */
const APPLIER_PATHS: Array<[string, (stack: string[]) => boolean]> = [
  ['Kafka fetch + record parsing (@platformatic/kafka)', (s) => s.some((f) => f.includes('node_modules/@platformatic/'))],
  ['ChangeDecoder.decode (Avro → event)', (s) => s.some((f) => /^decode src\/applier\/change-decoder\.ts/.test(f))],
  ['ChangeDecoder.ops (event → target values)', (s) => s.some((f) => /^ops src\/applier\/change-decoder\.ts/.test(f))],
  ['BatchPlan.add (coalescing)', (s) => s.some((f) => /^add src\/applier\/batch-plan\.ts/.test(f))],
  ['VersionArbiter.resolve (two-way: lock, decide, shadow upsert)', (s) => s.some((f) => /^resolve src\/twoway\/arbiter\.ts/.test(f))],
  ['  of which writer.lockVersions', (s) => s.some((f) => /^lockVersions src\/applier\//.test(f))],
  ['  of which the shadow upsert', (s) => s.some((f) => /^upsert src\/applier\//.test(f)) && s.some((f) => /^resolve src\/twoway\/arbiter\.ts/.test(f))],
  ['writer.upsert of data rows (SQL parameters, send)', (s) => s.some((f) => /^upsert src\/applier\//.test(f)) && !s.some((f) => /^resolve src\/twoway\/arbiter\.ts/.test(f))],
  ['pg client (pg, pg-protocol: socket data, results)', (s) => s.some((f) => /node_modules\/(pg|pg-protocol)\//.test(f))],
  ['mysql2 client (socket data, results)', (s) => s.some((f) => f.includes('node_modules/mysql2/'))],
  ['garbage collector', (s) => s[0] === '(garbage collector)'],
];

function fileOf(url: string): string {
  if (!url) return '';
  const p = url.startsWith('file://') ? new URL(url).pathname : url;
  return p.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, p) : p;
}

/** Busy time (not idle) per applier code path: a sample counts for a path when a frame on its stack matches. */
export async function applierPaths(file: string): Promise<FunctionTime[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<number, string[]>();
  const stackOf = (id: number): string[] => {
    let stack = stacks.get(id);
    if (stack) return stack;
    stack = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      const f = fileOf(frame.url);
      stack.push(f ? `${frame.functionName || '(anonymous)'} ${f}` : frame.functionName);
    }
    stacks.set(id, stack);
    return stack;
  };
  let busy = 0;
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const us = profile.timeDeltas[i] ?? 0;
    const stack = stackOf(id);
    if (stack[0] === '(idle)') continue;
    busy += us;
    for (const [name, matches] of APPLIER_PATHS) if (matches(stack)) totals.set(name, (totals.get(name) ?? 0) + us);
  }
  return APPLIER_PATHS.map(([name]) => ({ function: name, ms: Math.round((totals.get(name) ?? 0) / 1000), percent: busy ? Math.round(((totals.get(name) ?? 0) / busy) * 1000) / 10 : 0 }));
}

export interface ApplierProfile {
  file: string;
  summary: ProfileSummary;
  applierPaths: FunctionTime[];
}

export async function summarizeApplierProfile(file: string): Promise<ApplierProfile> {
  return { file: path.relative(PROJECT_ROOT, file), summary: await summarizeCpuProfile(file, 30), applierPaths: await applierPaths(file) };
}
