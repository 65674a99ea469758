import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { expectedWinners, HOT, hotDdl, hotRows, unexpected, writeHotKeys, type RecordedWrite } from './helpers/lww-workload.js';
import { KilledComponents } from './helpers/killed-components.js';
import { startSkewedMariadb, type SkewedMariadb } from './helpers/skewed-mariadb.js';
import { PROJECT_ROOT } from './helpers/tandem-process.js';
import { TopologyFixture, waitForMarkers, type TopologyLink } from './helpers/topology-fixture.js';

const WRITE_SECONDS = 16;

function verifyLink(fx: TopologyFixture, from: string, to: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', '-c', fx.configFile, '--link', `${fx.nodeName(from)}->${fx.nodeName(to)}`], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

/** Writes on the given nodes for WRITE_SECONDS while one node's Tandem process is killed now and then; then drains. */
async function chaosRun(
  fx: TopologyFixture,
  components: KilledComponents,
  writers: Array<{ node: string; keyBase: number; versioned: boolean }>,
  mariadb: SkewedMariadb,
  reaches: (from: string, at: string) => boolean = () => true,
): Promise<RecordedWrite[]> {
  let rand = 0.17;
  const next = () => ((rand = (rand * 9301 + 49297) % 233280), rand / 233280);
  const markers = new Map(fx.nodes.map((n, i) => [n.name, -100 - i]));
  try {
    await fx.waitForReaders(60_000, () => components.failure());
    await waitForMarkers(fx, HOT, 'id', markers, 60_000, reaches);
    const stopAt = Date.now() + WRITE_SECONDS * 1000;
    const until = () => Date.now() > stopAt;
    const writing = Promise.all(
      writers.map((w, i) =>
        writeHotKeys(fx, w.node, { keys: 10, keyBase: w.keyBase, versioned: w.versioned, seed: 100 + i, pauseMs: 25, until }),
      ),
    );
    const chaos = (async () => {
      let flipped = false;
      while (!until()) {
        await new Promise((resolve) => setTimeout(resolve, 1500 + next() * 1500));
        if (until()) break;
        const failed = components.failure();
        if (failed) throw new Error(failed);
        if (!flipped && Date.now() > stopAt - (WRITE_SECONDS * 1000) / 2) {
          await mariadb.setSkew(-2);
          flipped = true;
        }
        await components.killOne(next);
      }
    })();
    const [writes] = await Promise.all([writing, chaos]);
    await waitForMarkers(fx, HOT, 'id', new Map(fx.nodes.map((n, i) => [n.name, -200 - i])), 180_000, reaches).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; ${components.failure() ?? 'all components running'}\n${components.tails()}`);
    });
    return writes.flat();
  } finally {
    await components.stopAll();
  }
}

/** Every topic holds only its own node's changes (and the ones it relays), each exactly once. */
async function originsOf(fx: TopologyFixture, node: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { event } of await fx.probe(node).readEvents()) {
    if (Number(event.after?.id ?? event.before?.id) <= 0) continue; // markers
    counts.set(event.origin, (counts.get(event.origin) ?? 0) + 1);
  }
  return counts;
}

describe('three nodes', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('full mesh of two PostgreSQL and one skewed MariaDB converges, nothing relayed or returned', async () => {
    const mariadb = await startSkewedMariadb({ name: 'mesh', skewSeconds: 2 });
    cleanup.push(() => mariadb.stop());
    const fx = new TopologyFixture([
      { name: 'a', engine: 'postgres', rank: 1 },
      { name: 'b', engine: 'postgres', rank: 2 },
      { name: 'c', engine: 'mysql', rank: 3, serverUrl: mariadb.url },
    ]);
    cleanup.push(() => fx.drop());
    const pairs = [['a', 'b'], ['a', 'c'], ['b', 'c']] as const;
    const links: TopologyLink[] = pairs.flatMap(([x, y]) => [
      { from: x, to: y, mode: 'two-way' as const },
      { from: y, to: x, mode: 'two-way' as const },
    ]);
    await fx.setup({ tables: [HOT], ddl: hotDdl, links });
    const n = (s: string) => fx.nodeName(s);
    // One Tandem process per node: its reader and the appliers writing into it.
    const groups = ['a', 'b', 'c'].map((x) => [n(x), ...links.filter((l) => l.to === x).map((l) => `link:${n(l.from)}->${n(x)}`)]);
    const components = new KilledComponents(fx, groups);
    const writes = await chaosRun(
      fx,
      components,
      ['a', 'b', 'c'].map((node) => ({ node, keyBase: 0, versioned: true })),
      mariadb,
    );
    expect(components.kills).toBeGreaterThanOrEqual(3);
    for (const [x, y] of pairs) {
      const v = verifyLink(fx, x, y);
      expect(v.output).toMatch(/equal/);
      expect(v.status).toBe(0);
    }
    const winners = expectedWinners(writes);
    for (const node of ['a', 'b', 'c']) expect(unexpected(await hotRows(fx, node), winners)).toEqual([]);
    for (const node of ['a', 'b', 'c']) {
      const mine = writes.filter((w) => w.node === node).length;
      expect(mine).toBeGreaterThan(100);
      expect([...(await originsOf(fx, node))]).toEqual([[n(node), mine]]);
    }
  }, 420_000);

  it('chain a -> b -> c delivers every change to every node once, relayed with its first origin', async () => {
    const mariadb = await startSkewedMariadb({ name: 'chain', skewSeconds: 2 });
    cleanup.push(() => mariadb.stop());
    const fx = new TopologyFixture([
      { name: 'a', engine: 'postgres', rank: 1 },
      { name: 'b', engine: 'mysql', rank: 2, serverUrl: mariadb.url },
      { name: 'c', engine: 'postgres', rank: 3 },
    ]);
    cleanup.push(() => fx.drop());
    const links: TopologyLink[] = [
      { from: 'a', to: 'b', mode: 'one-way' },
      { from: 'b', to: 'c', mode: 'one-way' },
    ];
    await fx.setup({ tables: [HOT], ddl: hotDdl, links });
    const n = (s: string) => fx.nodeName(s);
    const components = new KilledComponents(fx, [[n('a')], [n('b'), `link:${n('a')}->${n('b')}`], [n('c'), `link:${n('b')}->${n('c')}`]]);
    // a and b write different keys (one-way links resolve no conflicts): a 1..10, b 101..110.
    const reaches = (from: string, at: string) => from === 'a' || (from === 'b' && at === 'c');
    const writes = await chaosRun(
      fx,
      components,
      [
        { node: 'a', keyBase: 0, versioned: false },
        { node: 'b', keyBase: 100, versioned: false },
      ],
      mariadb,
      reaches,
    );
    expect(components.kills).toBeGreaterThanOrEqual(3);
    // c's own markers go nowhere (c feeds no node): take them out before comparing b and c.
    await fx.endpoint('c').query(`DELETE FROM ${HOT} WHERE id IN (-102, -202)`);
    const [onA, onB, onC] = [await hotRows(fx, 'a'), await hotRows(fx, 'b'), await hotRows(fx, 'c')];
    const aKeys = (m: Map<number, string>) => [...m].filter(([k]) => k <= 100);
    expect(aKeys(onB)).toEqual(aKeys(onA));
    expect([...onC]).toEqual([...onB]);
    const v = verifyLink(fx, 'b', 'c');
    expect(v.output).toMatch(/equal/);
    expect(v.status).toBe(0);
    // a's topic: a's writes. b's: a's relayed with origin a (the applier writes each batch's final row states,
    // so a row changed twice in one batch is relayed once), and b's own. c's: nothing (c feeds no one).
    const count = (node: string) => writes.filter((w) => w.node === node).length;
    expect(count('a')).toBeGreaterThan(100);
    expect(count('b')).toBeGreaterThan(100);
    expect([...(await originsOf(fx, 'a'))]).toEqual([[n('a'), count('a')]]);
    const relayed = await originsOf(fx, 'b');
    expect([...relayed.keys()].sort()).toEqual([n('a'), n('b')].sort());
    expect(relayed.get(n('b'))).toBe(count('b'));
    expect(relayed.get(n('a'))).toBeGreaterThan(count('a') / 2);
    expect(relayed.get(n('a'))).toBeLessThanOrEqual(count('a'));
    expect([...(await originsOf(fx, 'c'))]).toEqual([]);
  }, 420_000);
});
