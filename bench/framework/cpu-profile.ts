import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from './results.js';

/** Summary of a V8 .cpuprofile (node --cpu-prof): where the samples landed. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  function: string;
  ms: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  /** Self time per area of code (see AREAS), as a share of busy time. */
  areas: FunctionTime[];
  /** The functions the CPU was in (self time). */
  topSelf: FunctionTime[];
  /** Time spent in a function or anything it called, for the functions in INCLUSIVE_OF. */
  inclusive: FunctionTime[];
}

/**
 * Self time is charged to an area of code: the first area whose pattern matches the sampled function's
 * file, or, for Node built-ins and code without a file (Buffer.concat, socket writes, avsc's generated
 * writers), the nearest caller's. So "Kafka client" includes the Buffer copies the client asks for.
 */
const AREAS: Array<[string, RegExp]> = [
  ['pgoutput decode', /^src\/postgres\/pgoutput\//],
  ['text → value parsing', /^src\/postgres\/(text-values|types-[a-z]+)\.ts/],
  ['row assembly (ChangeAssembler, relations)', /^src\/postgres\/(change-assembler|relation-tables)\.ts/],
  ['replication stream (src/postgres)', /^src\/postgres\//],
  ['Avro encoding (src/avro)', /^src\/avro\//],
  ['publisher + reader + event key (src/reader, src/runtime)', /^src\/(reader|runtime)\//],
  ['Kafka wrapper (src/kafka)', /^src\/kafka\//],
  ['other Tandem code', /^src\//],
  ['Kafka client (@platformatic/kafka)', /node_modules\/@platformatic\//],
  ['pg / pg-protocol (socket parsing)', /node_modules\/(pg|pg-protocol|pg-pool)\//],
  ['pg-logical-replication + eventemitter2', /node_modules\/(pg-logical-replication|eventemitter2)\//],
  ['avsc', /node_modules\/avsc\//],
  ['logging (pino)', /node_modules\/(pino|sonic-boom|thread-stream)/],
  ['tsx / esbuild (startup)', /node_modules\/(tsx|esbuild|get-tsconfig)\//],
  ['other dependencies', /node_modules\//],
];

/** Frames charged to their caller: Node internals, built-ins and code without a file. */
function chargedToCaller(file: string): boolean {
  return file === '' || file.startsWith('node:') || file.startsWith('internal/');
}

/** Time V8 does not attribute to JS functions. */
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Functions whose inclusive time is reported (matched on "name file"). */
const INCLUSIVE_OF: Array<[string, RegExp]> = [
  ['decodePgoutput', /^decodePgoutput /],
  ['ChangeAssembler (insert/update/delete)', /^(insert|update|delete) .*change-assembler\.ts/],
  ['parsePgText', /^parsePgText /],
  ['ChangePublisher.publish', /^publish .*change-publisher\.ts/],
  ['encodeChangeEvent', /^encodeChangeEvent /],
  ['eventKey', /^eventKey /],
  ['TransactionalProducer.send', /^send .*transactional-producer\.ts/],
  ['Kafka client (any entry point)', /node_modules\/@platformatic\//],
  ['pg connection parser (socket data)', /node_modules\/pg-protocol\//],
  ['LogicalReplicationService copyData handler', /logical-replication-service\.js/],
];

function fileOf(url: string): string {
  if (!url) return '';
  const p = url.startsWith('file://') ? new URL(url).pathname : url;
  return p.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, p) : p;
}

function label(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  const file = fileOf(frame.url);
  // Code compiled by tsx reports line 0 for everything: a line number helps only for plain JS.
  return file ? `${name} ${file}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}` : name;
}

export async function summarizeCpuProfile(file: string, top = 25): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }

  function areaOf(node: ProfileNode): string {
    if (SPECIAL.has(node.callFrame.functionName)) return node.callFrame.functionName === '(program)' ? '(program: native code outside JS)' : node.callFrame.functionName;
    for (let cur: ProfileNode | undefined = node; cur; cur = byId.get(parent.get(cur.id) ?? -1)) {
      const file = fileOf(cur.callFrame.url);
      if (chargedToCaller(file)) continue;
      return AREAS.find(([, re]) => re.test(file))?.[0] ?? 'other';
    }
    return 'Node internals (no JS caller: timers, I/O callbacks)';
  }

  let idleUs = 0;
  let totalUs = 0;
  const selfByLabel = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    const node = byId.get(id)!;
    totalUs += us;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    const area = areaOf(node);
    const key = chargedToCaller(fileOf(node.callFrame.url)) && !SPECIAL.has(name) ? `${label(node.callFrame)} [for ${area}]` : label(node.callFrame);
    selfByLabel.set(key, (selfByLabel.get(key) ?? 0) + us);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + us);
    // Inclusive: each INCLUSIVE_OF entry counts once per sample if any frame on the stack matches.
    const hit = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frameLabel = label(byId.get(cur)!.callFrame);
      for (const [what, re] of INCLUSIVE_OF) if (re.test(frameLabel)) hit.add(what);
    }
    for (const what of hit) inclusive.set(what, (inclusive.get(what) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;

  const rows = (m: Map<string, number>, limit: number): FunctionTime[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([fn, us]) => ({ function: fn, ms: Math.round(us / 1000), percent: Math.round((us / busyUs) * 1000) / 10 }));
  return {
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    areas: rows(selfByArea, 50),
    topSelf: rows(selfByLabel, top),
    inclusive: rows(inclusive, 50),
  };
}

export function renderProfileSummary(summary: ProfileSummary): string[] {
  const lines = [`  profile: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle (of ${summary.totalMs} ms)`, '  self time by area:'];
  for (const a of summary.areas) lines.push(`    ${a.percent.toFixed(1).padStart(5)}%  ${a.ms.toString().padStart(6)} ms  ${a.function}`);
  lines.push('  inclusive time:');
  for (const a of summary.inclusive) lines.push(`    ${a.percent.toFixed(1).padStart(5)}%  ${a.ms.toString().padStart(6)} ms  ${a.function}`);
  lines.push('  top functions (self time):');
  for (const a of summary.topSelf) lines.push(`    ${a.percent.toFixed(1).padStart(5)}%  ${a.ms.toString().padStart(6)} ms  ${a.function}`);
  return lines;
}
