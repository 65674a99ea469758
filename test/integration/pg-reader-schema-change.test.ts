import { afterEach, describe, expect, it } from 'vitest';
import { PgReaderFixture } from './helpers/reader-fixture.js';

describe('PostgreSQL reader: schema changes mid-stream', () => {
  let fixture: PgReaderFixture | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    fixture = undefined;
  });

  it('yields a new writer schema on ALTER TABLE without a restart, and old events still decode', async () => {
    fixture = await new PgReaderFixture().setup(['evolving'], `CREATE TABLE evolving (id int PRIMARY KEY, a text);`);
    const reader = await fixture.startReader();
    await fixture.sql.query(`INSERT INTO evolving VALUES (1, 'before')`);
    await fixture.waitForEvents(1);
    await fixture.sql.query(`ALTER TABLE evolving ADD COLUMN b numeric(10,3) DEFAULT 1.5`);
    await fixture.sql.query(`INSERT INTO evolving VALUES (2, 'after', 2.25)`);
    await fixture.sql.query(`ALTER TABLE evolving DROP COLUMN a`);
    await fixture.sql.query(`UPDATE evolving SET b = 7 WHERE id = 1`);
    const events = (await fixture.waitForEvents(3)).map((r) => r.event);
    await reader.stop();

    expect(events.map((e) => e.after)).toEqual([
      { id: 1, a: 'before' },
      { id: 2, a: 'after', b: '2.250' },
      { id: 1, b: '7.000' },
    ]);
    const fingerprints = new Set(events.map((e) => e.writerFingerprintHex));
    expect(fingerprints.size).toBe(3);
    expect(events[1]!.table.columns.map((c) => c.name)).toEqual(['id', 'a', 'b']);
    expect(events[2]!.table.columns.map((c) => c.name)).toEqual(['id', 'b']);
  });

  it('resumes after a restart with the schema the table has at that point of the log', async () => {
    fixture = await new PgReaderFixture().setup(['t'], `CREATE TABLE t (id int PRIMARY KEY);`);
    let reader = await fixture.startReader();
    await fixture.sql.query(`INSERT INTO t VALUES (1)`);
    await fixture.waitForEvents(1);
    await reader.stop();
    await fixture.sql.query(`ALTER TABLE t ADD COLUMN note text; INSERT INTO t VALUES (2, 'x')`);
    reader = await fixture.startReader();
    const events = (await fixture.waitForEvents(2)).map((r) => r.event);
    await reader.stop();
    expect(events.map((e) => e.after)).toEqual([{ id: 1 }, { id: 2, note: 'x' }]);
  });
});
