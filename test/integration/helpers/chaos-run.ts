import { spawnSync } from 'node:child_process';
import { CommittedTopicReader } from '../../../src/kafka/committed-topic-reader.js';
import { kafkaConnection } from '../../../src/kafka/client-options.js';
import { topicNames } from '../../../src/kafka/topic-names.js';
import type { ConflictRecord } from '../../../src/twoway/conflict-log.js';
import type { KilledComponents } from './killed-components.js';
import { HOT, writeHotKeys, type RecordedWrite } from './lww-workload.js';
import type { SkewedMariadb } from './skewed-mariadb.js';
import { PROJECT_ROOT } from './tandem-process.js';
import { waitForMarkers, type TopologyFixture } from './topology-fixture.js';

export interface ChaosOptions {
  seconds: number;
  /** Hot keys each writer picks from. */
  keys: number;
  pauseMs: number;
  writers: Array<{ node: string; keyBase: number; versioned: boolean }>;
  /** Its clock goes from its start skew to -2 s halfway through. */
  skewed: SkewedMariadb;
  /** Whether node `at` receives `from`'s changes (default: all). */
  reaches?: (from: string, at: string) => boolean;
}

/**
 * Writes on the given nodes for `seconds` while one of the components (each a `tandem run` child) is
 * killed with SIGKILL every 1.5–3 s and restarted; then waits until every node has what it should
 * (marker rows) and stops the components. Returns every recorded write.
 */
export async function chaosRun(fx: TopologyFixture, components: KilledComponents, options: ChaosOptions): Promise<RecordedWrite[]> {
  let rand = 0.17;
  const next = () => ((rand = (rand * 9301 + 49297) % 233280), rand / 233280);
  const reaches = options.reaches ?? (() => true);
  const explain = (error: unknown) => new Error(`${(error as Error).message}; ${components.failure() ?? 'all components running'}\n${components.tails()}`);
  try {
    // The pipeline is up (readers streaming, shadow tables and triggers installed) once markers cross.
    await fx.waitForReaders(60_000, () => components.failure());
    await waitForMarkers(fx, HOT, 'id', new Map(fx.nodes.map((n, i) => [n.name, -100 - i])), 60_000, reaches).catch((e: unknown) => {
      throw explain(e);
    });
    const stopAt = Date.now() + options.seconds * 1000;
    const until = () => Date.now() > stopAt;
    const writing = Promise.all(
      options.writers.map((w, i) => writeHotKeys(fx, w.node, { keys: options.keys, keyBase: w.keyBase, versioned: w.versioned, seed: 100 + i, pauseMs: options.pauseMs, until })),
    );
    const chaos = (async () => {
      let flipped = false;
      while (!until()) {
        await new Promise((resolve) => setTimeout(resolve, 1500 + next() * 1500));
        if (until()) break;
        const failed = components.failure();
        if (failed) throw new Error(failed);
        if (!flipped && Date.now() > stopAt - (options.seconds * 1000) / 2) {
          await options.skewed.setSkew(-2);
          flipped = true;
        }
        await components.killOne(next);
      }
    })();
    const [writes] = await Promise.all([writing, chaos]);
    await waitForMarkers(fx, HOT, 'id', new Map(fx.nodes.map((n, i) => [n.name, -200 - i])), 180_000, reaches).catch((e: unknown) => {
      throw explain(e);
    });
    return writes.flat();
  } finally {
    await components.stopAll();
  }
}

/** `tandem verify --link from->to` (short node names) as a child: its exit status and output. */
export function verifyLink(fx: TopologyFixture, from: string, to: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', '-c', fx.configFile, '--link', `${fx.nodeName(from)}->${fx.nodeName(to)}`], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** Every record of the fixture's conflicts topic. */
export async function readConflicts(fx: TopologyFixture): Promise<ConflictRecord[]> {
  const reader = new CommittedTopicReader(kafkaConnection(fx.config.kafka), topicNames(fx.prefix).conflicts);
  const out: ConflictRecord[] = [];
  try {
    for await (const record of reader.readAll()) out.push(JSON.parse(record.value!.toString()) as ConflictRecord);
  } finally {
    await reader.close();
  }
  return out;
}
