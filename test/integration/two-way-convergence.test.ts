import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareVersions } from '../../src/twoway/row-version.js';
import { chaosRun, readConflicts, verifyLink } from './helpers/chaos-run.js';
import { expectedWinners, HOT, hotDdl, hotRows, unexpected } from './helpers/lww-workload.js';
import { startSkewedMariadb, type SkewedMariadb } from './helpers/skewed-mariadb.js';
import { KilledComponents } from './helpers/killed-components.js';
import { ph, TopologyFixture, waitForMarkers } from './helpers/topology-fixture.js';

const WRITE_SECONDS = 24;


describe('two-way convergence: PostgreSQL and a MariaDB whose clock is 2 s off, with kills', () => {
  let mariadb: SkewedMariadb;
  let fx: TopologyFixture;

  beforeAll(async () => {
    mariadb = await startSkewedMariadb({ name: 'lww', skewSeconds: 2 });
    fx = new TopologyFixture([
      { name: 'a', engine: 'postgres', rank: 1 },
      { name: 'b', engine: 'mysql', rank: 2, serverUrl: mariadb.url },
    ]);
    await fx.setup({
      tables: [HOT],
      ddl: hotDdl,
      links: [
        { from: 'a', to: 'b', mode: 'two-way' },
        { from: 'b', to: 'a', mode: 'two-way' },
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await fx?.drop();
    await mariadb?.stop();
  });

  it('converges to the last writer on every hot key, with nothing applied back to its origin', async () => {
    const [A, B] = [fx.nodeName('a'), fx.nodeName('b')];
    const components = new KilledComponents(fx, [[A], [B], [`link:${A}->${B}`], [`link:${B}->${A}`]]);
    const writes = await chaosRun(fx, components, {
      seconds: WRITE_SECONDS,
      keys: 12,
      pauseMs: 20,
      writers: [
        { node: 'a', keyBase: 0, versioned: true },
        { node: 'b', keyBase: 0, versioned: true },
      ],
      skewed: mariadb,
    });
    expect(components.kills).toBeGreaterThanOrEqual(5);
    const byNode = (n: string) => writes.filter((w) => w.node === n).length;
    expect(byNode('a')).toBeGreaterThan(200);
    expect(byNode('b')).toBeGreaterThan(200);

    // tandem verify: no difference between the two nodes.
    const verify = verifyLink(fx, 'a', 'b');
    expect(verify.output).toMatch(/equal/);
    expect(verify.status).toBe(0);

    // Every key holds what last-writer-wins predicts from the writes' own versions.
    const winners = expectedWinners(writes);
    expect(unexpected(await hotRows(fx, 'a'), winners)).toEqual([]);
    expect(unexpected(await hotRows(fx, 'b'), winners)).toEqual([]);

    // Each topic holds its own node's writes exactly once, and no change of the other node: nothing came back.
    for (const node of ['a', 'b']) {
      const events = (await fx.probe(node).readEvents()).map((r) => r.event).filter((e) => Number(e.after?.id ?? e.before?.id) > 0);
      expect(events.filter((e) => e.origin !== fx.nodeName(node))).toEqual([]);
      expect(events.length).toBe(byNode(node));
      const stamped = new Set(writes.filter((w) => w.node === node).map((w) => `${w.key}:${w.ts}`));
      expect(events.filter((e) => !stamped.has(`${String(e.after?.id ?? e.before?.id)}:${e.version?.ts}`))).toEqual([]);
    }

    // The conflicts topic lists the conflicts, each won by the greater version.
    const conflicts = await readConflicts(fx);
    expect(conflicts.length).toBeGreaterThan(10);
    for (const c of conflicts) {
      const incoming = { ts: BigInt(c.incoming.version.ts), rank: c.incoming.version.rank };
      const target = { ts: BigInt(c.target.version.ts), rank: c.target.version.rank };
      expect(c.winner).toBe(compareVersions(incoming, target) > 0 ? 'incoming' : 'target');
    }
    // Both nodes resolved conflicts.
    expect(new Set(conflicts.map((c) => c.resolvedOn))).toEqual(new Set([A, B]));
    console.info(
      `convergence: ${byNode('a')} writes on ${A} (PostgreSQL), ${byNode('b')} on ${B} (MariaDB, clock +2 s then -2 s), ` +
        `${components.kills} kills, ${conflicts.length} conflicts (${conflicts.filter((c) => c.reason.startsWith('same timestamp')).length} ties), all ${winners.size} keys as predicted`,
    );
  }, 420_000);

  it('lets a write made after seeing a remote change win, even from the node whose clock is behind', async () => {
    await mariadb.setSkew(-2);
    await fx.startAll();
    const [a, b] = [fx.endpoint('a'), fx.endpoint('b')];
    await a.query(`INSERT INTO ${HOT} (id, val) VALUES (1000, 'from a')`);
    const deadline = Date.now() + 60_000;
    while ((await b.query(`SELECT val FROM ${HOT} WHERE id = 1000`))[0]?.val !== 'from a') {
      if (Date.now() > deadline) throw new Error('the row did not reach b');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // b's clock is 2 s behind a's: a wall-clock timestamp would lose to a's. Its version is a's + 1 µs.
    await b.query(`UPDATE ${HOT} SET val = 'from b, later' WHERE id = 1000`);
    const [va] = await a.query(`SELECT tandem_ts AS ts FROM tandem_v_${HOT} WHERE id = ${ph(a.engine, 1)}`, [1000]);
    const [vb] = await b.query(`SELECT tandem_ts AS ts FROM tandem_v_${HOT} WHERE id = 1000`);
    expect(BigInt(vb!.ts!)).toBe(BigInt(va!.ts!) + 1n);
    await waitForMarkers(fx, HOT, 'id', new Map([['a', -11], ['b', -12]]), 60_000);
    expect((await a.query(`SELECT val FROM ${HOT} WHERE id = 1000`))[0]?.val).toBe('from b, later');
    await fx.stopAll();
  }, 120_000);
});
