import { afterAll, describe, expect, it } from 'vitest';
import { CommittedTopicReader } from '../../src/kafka/committed-topic-reader.js';
import { kafkaConnection } from '../../src/kafka/client-options.js';
import { topicNames } from '../../src/kafka/topic-names.js';
import type { ConflictRecord } from '../../src/twoway/conflict-log.js';
import type { EngineName } from './helpers/applier-fixture.js';
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

async function conflicts(fx: TopologyFixture): Promise<ConflictRecord[]> {
  const reader = new CommittedTopicReader(kafkaConnection(fx.config.kafka), topicNames(fx.prefix).conflicts);
  const out: ConflictRecord[] = [];
  try {
    for await (const record of reader.readAll()) out.push(JSON.parse(record.value!.toString()) as ConflictRecord);
  } finally {
    await reader.close();
  }
  return out;
}

describe.each([
  ['postgres', 'mysql'],
  ['postgres', 'postgres'],
] as const)('two-way %s <-> %s', (engineA, engineB) => {
  const fixtures: TopologyFixture[] = [];
  afterAll(async () => {
    for (const fx of fixtures) await fx.drop();
  });

  async function pair(): Promise<TopologyFixture> {
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
    expect(await conflicts(fx)).toEqual([]);
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

    const found = await conflicts(fx);
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
});
