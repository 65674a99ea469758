import { afterEach, describe, expect, it } from 'vitest';
import { PgReaderFixture } from './helpers/reader-fixture.js';

/*
 * The PostgreSQL reader on the real stack: each operation becomes the right event, in commit order,
 * with the source block, transaction block and key the design promises.
 */
describe('PostgreSQL reader: operations', () => {
  let fixture: PgReaderFixture | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    fixture = undefined;
  });

  it('publishes inserts, updates, deletes and truncates in commit order', async () => {
    fixture = await new PgReaderFixture().setup(
      ['items', 'tags'],
      `CREATE TABLE items (id int PRIMARY KEY, name text, qty int);
       CREATE TABLE tags (a text, b int, label text, PRIMARY KEY (a, b));`,
    );
    const reader = await fixture.startReader();
    const s = fixture.sql;
    await s.query(`BEGIN; INSERT INTO items VALUES (1, 'one', 10), (2, 'two', 20); INSERT INTO tags VALUES ('x', 1, 'first'); COMMIT;`);
    await s.query(`UPDATE items SET qty = qty + 1 WHERE id = 1`);
    await s.query(`UPDATE items SET id = 3 WHERE id = 2`);
    await s.query(`DELETE FROM tags WHERE a = 'x'`);
    await s.query(`TRUNCATE items`);
    const events = (await fixture.waitForEvents(7)).map((r) => r.event);
    await reader.stop();

    expect(events.map((e) => `${e.op} ${e.table.table}`)).toEqual([
      'c items', 'c items', 'c tags', 'u items', 'u items', 'd tags', 't items',
    ]);
    const [first, second, tag, update, keyChange, del, truncate] = events;
    expect(first!.after).toEqual({ id: 1, name: 'one', qty: 10 });
    expect(first!.before).toBeNull();
    expect(first!.table.key).toEqual(['id']);
    expect(first!.source).toMatchObject({ node: fixture.node, engine: 'postgres', schema: fixture.schema, table: 'items', commitTimestampPrecision: 'micros' });
    expect(first!.transaction.sequence).toBe(0);
    expect(second!.transaction).toEqual({ id: first!.transaction.id, sequence: 1 });
    expect(tag!.transaction).toEqual({ id: first!.transaction.id, sequence: 2 });
    expect(tag!.table.key).toEqual(['a', 'b']);
    expect(update!.after).toEqual({ id: 1, name: 'one', qty: 11 });
    expect(update!.before).toBeNull(); // REPLICA IDENTITY DEFAULT, key unchanged: no old image
    expect(keyChange!.before).toEqual({ id: 2 }); // key changed: the old key, key columns only
    expect(keyChange!.after).toEqual({ id: 3, name: 'two', qty: 20 });
    expect(del!.before).toEqual({ a: 'x', b: 1 });
    expect(del!.after).toBeNull();
    expect(truncate!.before).toBeNull();
    expect(truncate!.after).toBeNull();
    expect(events.every((e) => e.origin === fixture!.node)).toBe(true);
    const commitTimes = events.map((e) => e.source.commitTimestampMicros);
    expect([...commitTimes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(commitTimes);
    const nowMicros = BigInt(Date.now()) * 1000n;
    expect(nowMicros - commitTimes[0]!).toBeLessThan(120_000_000n);
  });

  it('gives full old rows with REPLICA IDENTITY FULL and never turns an unchanged TOASTed value into NULL', async () => {
    fixture = await new PgReaderFixture().setup(
      ['docs', 'docs_full'],
      `CREATE TABLE docs (id int PRIMARY KEY, title text, body text);
       CREATE TABLE docs_full (id int PRIMARY KEY, title text, body text);
       ALTER TABLE docs_full REPLICA IDENTITY FULL;
       ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
       ALTER TABLE docs_full ALTER COLUMN body SET STORAGE EXTERNAL;`,
    );
    const reader = await fixture.startReader();
    const big = 'toast '.repeat(20_000);
    await fixture.sql.query(`INSERT INTO docs VALUES (1, 'a', $1); INSERT INTO docs_full VALUES (1, 'a', $1)`.replace('$1', `'${big}'`).replace('$1', `'${big}'`));
    await fixture.sql.query(`UPDATE docs SET title = 'b' WHERE id = 1; UPDATE docs_full SET title = 'b' WHERE id = 1`);
    const events = (await fixture.waitForEvents(4)).map((r) => r.event);
    await reader.stop();

    const [, , docsUpdate, fullUpdate] = events;
    expect(docsUpdate!.table.table).toBe('docs');
    expect(docsUpdate!.after).toEqual({ id: 1, title: 'b' });
    expect(docsUpdate!.after).not.toHaveProperty('body');
    expect(docsUpdate!.unchangedColumns).toEqual(['body']);
    expect(fullUpdate!.table.table).toBe('docs_full');
    expect(fullUpdate!.before).toEqual({ id: 1, title: 'a', body: big });
    expect(fullUpdate!.after).toEqual({ id: 1, title: 'b', body: big });
    expect(fullUpdate!.unchangedColumns).toEqual([]);
  });

  it('keys each message by table and primary key, so a row stays in one partition', async () => {
    fixture = await new PgReaderFixture().setup(['k'], `CREATE TABLE k (id bigint PRIMARY KEY, v text);`);
    const reader = await fixture.startReader();
    await fixture.sql.query(`INSERT INTO k VALUES (9007199254740993, 'a'); UPDATE k SET v = 'b'`);
    const records = await fixture.waitForEvents(2);
    await reader.stop();
    const keys = records.map((r) => JSON.parse(r.record.key!.toString()));
    expect(keys).toEqual([[`${fixture.schema}.k`, '9007199254740993'], [`${fixture.schema}.k`, '9007199254740993']]);
    expect(records[0]!.event.after!.id).toBe(9007199254740993n);
  });
});
