import { afterAll, describe, expect, it } from 'vitest';
import { isTandemError } from '../../src/errors.js';
import { ApplierFixture } from './helpers/applier-fixture.js';

/*
 * What the applier checks at start and how a link routes: target tables must exist and have a primary
 * key or the unique key the link names (errors name the table and the fix); tables and columns are
 * mapped by the config; a target column of a type that cannot hold the source's stops the link when
 * the table's first change arrives.
 */
async function failureOf(done: Promise<void>): Promise<Error> {
  return done.then(
    () => {
      throw new Error('expected the applier to fail');
    },
    (e: unknown) => e as Error,
  );
}

describe('applier: checks at start, and routing by the config', () => {
  const fixtures: ApplierFixture[] = [];
  const fixture = (source: 'postgres' | 'mysql', target: 'postgres' | 'mysql') => {
    const fx = new ApplierFixture(source, target);
    fixtures.push(fx);
    return fx;
  };
  afterAll(async () => {
    for (const fx of fixtures) await fx.cleanup();
  });

  it('refuses a missing target table and one without a primary key, naming the table and the fix', async () => {
    const fx = fixture('postgres', 'mysql');
    await fx.setup({
      tables: ['items', 'notes'],
      sourceDdl: ['CREATE TABLE items (id int PRIMARY KEY, v text)', 'CREATE TABLE notes (id int PRIMARY KEY, v text)'],
      targetDdl: ['CREATE TABLE items (id int NOT NULL, v text)'],
    });
    const missing = await failureOf(fx.startApplier().done);
    expect(isTandemError(missing, 'TANDEM_APPLY_TARGET_MISMATCH')).toBe(true);
    expect(missing.message).toMatch(new RegExp(`public\\.items goes to ${fx.target.database}\\.items on node ${fx.targetNode}, which has no primary key; add one, or name a unique key for it under links\\[\\]\\.keys`));
    await fx.target.query('ALTER TABLE items ADD PRIMARY KEY (id)');
    const absent = await failureOf(fx.startApplier().done);
    expect(absent.message).toMatch(/public\.notes goes to .*\.notes on node .*, which does not exist; create it \(Tandem does not create target tables\)/);
  });

  it('maps tables, columns and a unique key from the config, and stops on a column type that cannot hold the source', async () => {
    const fx = fixture('postgres', 'postgres');
    await fx.setup({
      tables: ['items', 'odd'],
      sourceDdl: ['CREATE TABLE items (id int PRIMARY KEY, v text, n int)', 'CREATE TABLE odd (id int PRIMARY KEY, at date)'],
      targetDdl: [
        'CREATE SCHEMA copy',
        'CREATE TABLE copy."Items Copy" (item_id int NOT NULL UNIQUE, "Value" text, n int, extra text DEFAULT \'target only\')',
        'CREATE TABLE odd (id int PRIMARY KEY, at integer)',
      ],
      link: {
        tables: { 'public.items': 'copy."Items Copy"' },
        columns: { 'public.items': { id: 'item_id', v: 'Value' } },
        keys: { 'copy."Items Copy"': ['item_id'] },
      },
    });
    const reader = await fx.startReader();
    const running = fx.startApplier();
    await fx.source.query("INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
    await fx.source.query("UPDATE items SET v = 'uno', n = 10 WHERE id = 1");
    await fx.source.query('DELETE FROM items WHERE id = 2');
    await fx.probe.waitForEvents(4, 30_000, reader.failure);
    await fx.waitForApplied(30_000, running.failure);
    expect(await fx.target.query('SELECT item_id, "Value", n, extra FROM copy."Items Copy" ORDER BY item_id')).toEqual([
      { item_id: '1', Value: 'uno', n: '10', extra: 'target only' },
    ]);

    await fx.source.query("INSERT INTO odd VALUES (1, '2024-01-01')");
    const mismatch = await failureOf(running.done);
    expect(isTandemError(mismatch, 'TANDEM_APPLY_TARGET_MISMATCH')).toBe(true);
    expect(mismatch.message).toMatch(/public\.odd → public\.odd: column "at" \(date, date\) cannot be written to "at" \(integer\): a date column cannot go into a int32 column; change the target column/);
    await reader.stop();
  });
});
