import { afterEach, describe, expect, it } from 'vitest';
import { parseLsn } from '../../src/postgres/pgoutput/lsn.js';
import { PgReaderFixture } from './helpers/reader-fixture.js';

describe('PostgreSQL reader: idle tables and partitions', () => {
  let fixture: PgReaderFixture | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    fixture = undefined;
  });

  it('keeps the slot moving while the replicated tables are idle and the database writes elsewhere', async () => {
    fixture = await new PgReaderFixture().setup(
      ['quiet'],
      'CREATE TABLE quiet (id int PRIMARY KEY); CREATE TABLE busy (id int, pad text);',
      { heartbeatIntervalMs: 300 },
    );
    const reader = await fixture.startReader();
    const slotLsn = async () =>
      parseLsn((await fixture!.sql.query(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = $1`, [`tandem_${fixture!.node}`])).rows[0].l);
    await fixture.sql.query(`INSERT INTO busy SELECT g, repeat('w', 200) FROM generate_series(1, 20000) g`);
    const walAfterWrites = parseLsn((await fixture.sql.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l);
    const deadline = Date.now() + 20_000;
    let confirmed = await slotLsn();
    while (confirmed < walAfterWrites && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      confirmed = await slotLsn();
    }
    await reader.stop();
    expect(confirmed >= walAfterWrites).toBe(true);
    expect(await fixture.countEvents()).toBe(0); // heartbeats publish positions, never events
  });

  it('spreads rows over partitions by key, keeping each row’s changes in one partition and in order', async () => {
    fixture = new PgReaderFixture();
    await fixture.setup(['p'], 'CREATE TABLE p (id int PRIMARY KEY, v int)');
    fixture.config.kafka.partitions = 3;
    const reader = await fixture.startReader();
    for (let round = 0; round < 3; round++) {
      await fixture.sql.query(round === 0 ? 'INSERT INTO p SELECT g, 0 FROM generate_series(1, 30) g' : 'UPDATE p SET v = v + 1');
    }
    const records = await fixture.waitForEvents(90);
    await reader.stop();
    const partitionsById = new Map<number, Set<number>>();
    const valuesById = new Map<number, number[]>();
    for (const { record, event } of records) {
      const id = Number(event.after!.id);
      partitionsById.set(id, (partitionsById.get(id) ?? new Set()).add(record.partition));
      valuesById.set(id, [...(valuesById.get(id) ?? []), Number(event.after!.v)]);
    }
    expect(new Set(records.map((r) => r.record.partition)).size).toBe(3);
    expect([...partitionsById.values()].every((s) => s.size === 1)).toBe(true);
    expect([...valuesById.values()].every((v) => v.join() === '0,1,2')).toBe(true);
  });
});
