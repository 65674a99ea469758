import { afterAll, describe, expect, it } from 'vitest';
import { chaosRun, verifyLink } from './helpers/chaos-run.js';
import { expectedWinners, HOT, hotDdl, hotRows, unexpected } from './helpers/lww-workload.js';
import { KilledComponents } from './helpers/killed-components.js';
import { startSkewedMariadb } from './helpers/skewed-mariadb.js';
import { TopologyFixture, type TopologyLink } from './helpers/topology-fixture.js';

const WRITE_SECONDS = 16;

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
    const writes = await chaosRun(fx, components, { seconds: WRITE_SECONDS, keys: 10, pauseMs: 25, writers: ['a', 'b', 'c'].map((node) => ({ node, keyBase: 0, versioned: true })), skewed: mariadb });
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
    const writes = await chaosRun(fx, components, {
      seconds: WRITE_SECONDS,
      keys: 10,
      pauseMs: 25,
      writers: [
        { node: 'a', keyBase: 0, versioned: false },
        { node: 'b', keyBase: 100, versioned: false },
      ],
      skewed: mariadb,
      reaches,
    });
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
