import { afterAll, describe, expect, it } from 'vitest';
import type { EngineName } from './helpers/applier-fixture.js';
import { readConflicts } from './helpers/chaos-run.js';
import { ph, TopologyFixture, waitForMarkers } from './helpers/topology-fixture.js';

const TABLE = 'items';

function ddl(engine: EngineName): string[] {
  return engine === 'postgres'
    ? [`CREATE TABLE ${TABLE} (id integer PRIMARY KEY, name varchar(100), qty integer)`]
    : [`CREATE TABLE ${TABLE} (id int PRIMARY KEY, name varchar(100), qty int) ENGINE=InnoDB`];
}

async function rows(fx: TopologyFixture, node: string): Promise<string[]> {
  const e = fx.endpoint(node);
  return (await e.query(`SELECT id, name, qty FROM ${TABLE} ORDER BY id`)).map((r) => `${r.id}|${r.name}|${r.qty}`);
}


describe.each([
  ['postgres', 'mysql'],
  ['postgres', 'postgres'],
] as const)('two-way %s <-> %s', (engineA, engineB) => {
  const fixtures: TopologyFixture[] = [];
  afterAll(async () => {
    for (const fx of fixtures) await fx.drop();
  });

  async function pair(tombstoneRetentionHours?: number): Promise<TopologyFixture> {
    const fx = new TopologyFixture([
      { name: 'a', engine: engineA, rank: 1 },
      { name: 'b', engine: engineB, rank: 2 },
    ]);
    fixtures.push(fx);
    await fx.setup({
      tables: [TABLE],
      ddl,
      links: [
        { from: 'a', to: 'b', mode: 'two-way' },
        { from: 'b', to: 'a', mode: 'two-way' },
      ],
      ...(tombstoneRetentionHours === undefined ? {} : { tombstoneRetentionHours }),
    });
    return fx;
  }

  it('sends every change to the other side once, and none comes back', async () => {
    const fx = await pair();
    await fx.startAll();
    const a = fx.endpoint('a');
    const b = fx.endpoint('b');
    for (let i = 1; i <= 30; i++) await a.query(`INSERT INTO ${TABLE} (id, name, qty) VALUES (${ph(a.engine, 1)}, ${ph(a.engine, 2)}, ${ph(a.engine, 3)})`, [i, `a${i}`, i]);
    for (let i = 101; i <= 130; i++) await b.query(`INSERT INTO ${TABLE} (id, name, qty) VALUES (${ph(b.engine, 1)}, ${ph(b.engine, 2)}, ${ph(b.engine, 3)})`, [i, `b${i}`, i]);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -1], ['b', -2]]), 60_000);
    // Each side now changes rows the other side made.
    await a.query(`UPDATE ${TABLE} SET qty = qty + 1000 WHERE id > 100`);
    await b.query(`UPDATE ${TABLE} SET name = concat(name, '!') WHERE id BETWEEN 1 AND 30`);
    await a.query(`DELETE FROM ${TABLE} WHERE id IN (101, 102)`);
    await b.query(`DELETE FROM ${TABLE} WHERE id IN (1, 2)`);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -3], ['b', -4]]), 60_000);

    const onA = await rows(fx, 'a');
    expect(onA).toEqual(await rows(fx, 'b'));
    expect(onA).toContain('3|a3!|3');
    expect(onA).toContain('103|b103|1103');
    expect(onA.filter((r) => /^(1|2|101|102)\|/.test(r))).toEqual([]);

    // Each topic holds only its own node's changes, once: nothing applied there came back.
    for (const [node, expected] of [
      ['a', 30 + 1 + 30 + 2 + 1],
      ['b', 30 + 1 + 30 + 2 + 1],
    ] as const) {
      const events = (await fx.probe(node).readEvents()).map((r) => r.event);
      expect(events.every((e) => e.origin === fx.nodeName(node))).toBe(true);
      expect(events.every((e) => e.table.table === TABLE)).toBe(true);
      expect(events.length).toBe(expected);
      expect(events.every((e) => e.version !== undefined && e.version.rank === (node === 'a' ? 1 : 2) && e.version.ts > 0n)).toBe(true);
    }
    for (const applier of fx.appliers.values()) expect(applier.stats.loopsSkipped).toBe(0);
    expect(await readConflicts(fx)).toEqual([]);
    await fx.stopAll();
  });

  it('counts the versions a statement stamped without logging a change of the row (the known gap), and nothing else', async () => {
    const fx = await pair();
    const b = fx.endpoint('b');
    await fx.startAll();
    for (let i = 1; i <= 4; i++) await b.query(`INSERT INTO ${TABLE} (id, name, qty) VALUES (${ph(b.engine, 1)}, 'start', 0)`, [i]);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -1], ['b', -2]]), 60_000);

    await b.query(`UPDATE ${TABLE} SET qty = qty WHERE id = 1`); // MySQL logs no row change; PostgreSQL does
    await b.query(b.engine === 'postgres' ? `INSERT INTO ${TABLE} (id, name, qty) VALUES (2, 'again', 0) ON CONFLICT DO NOTHING` : `INSERT IGNORE INTO ${TABLE} (id, name, qty) VALUES (2, 'again', 0)`);
    await b.query(`UPDATE ${TABLE} SET id = 1003 WHERE id = 3`); // a key change: the old key's tombstone is part of it
    await b.query(`UPDATE ${TABLE} SET name = 'changed' WHERE id = 4`);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -3], ['b', -4]]), 60_000);

    expect(await rows(fx, 'a')).toEqual(await rows(fx, 'b'));
    expect(fx.readers.get('b')!.readerStats!()).toMatchObject({ versionsWithoutChange: b.engine === 'mysql' ? 2 : 1, unversioned: 0 });
    expect(fx.readers.get('a')!.readerStats!()).toMatchObject({ versionsWithoutChange: 0, unversioned: 0 });
    await fx.stopAll();
  });

  it('resolves a row changed on both sides at once by last writer, ties by rank, the same way on both', async () => {
    const fx = await pair();
    const a = fx.endpoint('a');
    const b = fx.endpoint('b');
    await fx.startAll();
    for (let i = 1; i <= 3; i++) await a.query(`INSERT INTO ${TABLE} (id, name, qty) VALUES (${ph(a.engine, 1)}, 'start', 0)`, [i]);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -1], ['b', -2]]), 60_000);
    await fx.stopAll();

    // Row 1: b writes later (its clock reads later). Row 2: a writes later. Row 3: both stamp the same
    // time (their versions are pushed to the same future microsecond): rank 2 (b) wins on both sides.
    await a.query(`UPDATE ${TABLE} SET name = 'a-early' WHERE id = 1`);
    await b.query(`UPDATE ${TABLE} SET name = 'b-late' WHERE id = 1`);
    await b.query(`UPDATE ${TABLE} SET name = 'b-early' WHERE id = 2`);
    await a.query(`UPDATE ${TABLE} SET name = 'a-late' WHERE id = 2`);
    const future = BigInt(Date.now() + 3_600_000) * 1000n;
    for (const e of [a, b]) {
      await e.query(`UPDATE tandem_v_${TABLE} SET tandem_ts = ${ph(e.engine, 1)} WHERE id = 3`, [(future - 1n).toString()]);
    }
    await a.query(`UPDATE ${TABLE} SET name = 'a-tie' WHERE id = 3`);
    await b.query(`UPDATE ${TABLE} SET name = 'b-tie' WHERE id = 3`);

    await fx.startAll();
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -3], ['b', -4]]), 60_000);
    const onA = await rows(fx, 'a');
    expect(onA).toEqual(await rows(fx, 'b'));
    expect(onA.filter((r) => !r.startsWith('-'))).toEqual(['1|b-late|0', '2|a-late|0', '3|b-tie|0']);

    const found = await readConflicts(fx);
    expect(found.length).toBe(6);
    const tie = found.filter((c) => c.key.includes('3'));
    expect(tie.map((c) => [c.resolvedOn, c.winner]).sort()).toEqual([
      [fx.nodeName('a'), 'incoming'],
      [fx.nodeName('b'), 'target'],
    ]);
    expect(tie[0]!.reason).toMatch(/same timestamp/);
    expect(tie.every((c) => c.kind === 'update_update' && c.incoming.version.ts === future.toString())).toBe(true);
    const total = [...fx.appliers.values()].reduce((n, x) => n + x.stats.conflicts, 0);
    expect(total).toBe(6);
    await fx.stopAll();
  });

  it('gives concurrent inserts, updates and deletes of one row a defined outcome, keeping tombstones', async () => {
    const fx = await pair();
    const a = fx.endpoint('a');
    const b = fx.endpoint('b');
    await fx.startAll();
    for (const id of [5, 6, 8]) await a.query(`INSERT INTO ${TABLE} (id, name, qty) VALUES (${ph(a.engine, 1)}, 'start', 0)`, [id]);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -1], ['b', -2]]), 60_000);
    await fx.stopAll();
    const write = (e: typeof a, sql: string) => e.query(sql);
    await write(b, `DELETE FROM ${TABLE} WHERE id = 5`); // both delete 5
    await write(a, `DELETE FROM ${TABLE} WHERE id = 5`);
    await write(b, `UPDATE ${TABLE} SET name = 'b-update' WHERE id = 6`); // b updates 6, then a deletes it (newer)
    await write(a, `DELETE FROM ${TABLE} WHERE id = 6`);
    await write(a, `INSERT INTO ${TABLE} (id, name, qty) VALUES (7, 'a-insert', 1)`); // both insert 7, b later
    await write(b, `INSERT INTO ${TABLE} (id, name, qty) VALUES (7, 'b-insert', 2)`);
    await write(a, `DELETE FROM ${TABLE} WHERE id = 8`); // a deletes 8, then b updates it (newer): the update wins
    await write(b, `UPDATE ${TABLE} SET name = 'b-after-delete' WHERE id = 8`);
    await fx.startAll();
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -3], ['b', -4]]), 60_000);
    const onA = (await rows(fx, 'a')).filter((r) => !r.startsWith('-'));
    expect(onA).toEqual((await rows(fx, 'b')).filter((r) => !r.startsWith('-')));
    expect(onA).toEqual(['7|b-insert|2', '8|b-after-delete|0']);
    const kinds = (await readConflicts(fx)).map((c) => `${c.resolvedOn === fx.nodeName('a') ? 'a' : 'b'}:${c.kind}:${c.winner}`).sort();
    // Seen from each side: 5 deleted on both (a later), 6 updated on b then deleted on a, 7 inserted on both (b
    // later), 8 deleted on a then updated on b. The later write wins on both sides.
    expect(kinds).toEqual(
      [
        'a:delete_delete:target',
        'a:update_delete:target',
        'a:insert_insert:incoming',
        'a:update_delete:incoming',
        'b:delete_delete:incoming',
        'b:delete_update:incoming',
        'b:insert_insert:target',
        'b:delete_update:target',
      ].sort(),
    );
    // Deleted rows keep their tombstones (their versions), so an older change cannot bring them back.
    const tombstones = await b.query(`SELECT id FROM tandem_v_${TABLE} WHERE tandem_deleted ORDER BY id`);
    expect(tombstones.map((r) => Number(r.id))).toEqual([5, 6]);
    await fx.stopAll();
  });

  it('purges tombstones once they are older than the retention', async () => {
    const fx = await pair(0.001); // 3.6 s
    const a = fx.endpoint('a');
    const b = fx.endpoint('b');
    await fx.startAll();
    for (let i = 1; i <= 5; i++) await a.query(`INSERT INTO ${TABLE} (id, name, qty) VALUES (${ph(a.engine, 1)}, 'x', 0)`, [i]);
    await a.query(`DELETE FROM ${TABLE} WHERE id <= 3`);
    await waitForMarkers(fx, TABLE, 'id', new Map([['a', -1], ['b', -2]]), 60_000);
    expect((await b.query(`SELECT count(*) AS n FROM tandem_v_${TABLE} WHERE tandem_deleted`))[0]!.n).toBe('3');
    const deadline = Date.now() + 30_000;
    while (Number((await b.query(`SELECT count(*) AS n FROM tandem_v_${TABLE} WHERE tandem_deleted`))[0]!.n) > 0) {
      if (Date.now() > deadline) throw new Error('tombstones were not purged');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await b.query(`SELECT count(*) AS n FROM tandem_v_${TABLE} WHERE NOT tandem_deleted AND id > 0`))[0]!.n).toBe('2');
    await fx.stopAll();
  });
});
