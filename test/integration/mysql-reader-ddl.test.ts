import { afterAll, describe, expect, it } from 'vitest';
import { isTandemError } from '../../src/errors.js';
import { MysqlReaderFixture } from './helpers/mysql-fixture.js';

/*
 * Table definitions follow DDL in the binlog: ALTER TABLE mid-stream gives the rows after it a new table
 * version (and writer schema) while the rows before it keep theirs, both while streaming and when the
 * reader was down during the ALTER (it resumes with the definition stored with its position). Two
 * ALTERs the reader has not read yet make the first one's rows undecodable from information_schema:
 * the reader refuses them instead of guessing.
 */
describe('mysql reader: DDL in the binlog', () => {
  const fxs: MysqlReaderFixture[] = [];
  afterAll(async () => {
    for (const fx of fxs) await fx.cleanup();
  });

  it('gives rows after ALTER TABLE a new table version, streaming', async () => {
    const fx = new MysqlReaderFixture();
    fxs.push(fx);
    await fx.setup(['t'], ['CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10))']);
    const running = await fx.startInProcess();
    await fx.sql.query("INSERT INTO t VALUES (1, 'one')");
    await fx.sql.query('ALTER TABLE t ADD COLUMN b DECIMAL(6,2) NOT NULL DEFAULT 0, MODIFY a VARCHAR(20)');
    await fx.sql.query("INSERT INTO t VALUES (2, 'two', 2.5)");
    await fx.sql.query("UPDATE t SET a = 'uno' WHERE id = 1");
    // The reader reads the table's definition when it meets the ALTER in the binlog: let it get there
    // before the next ALTER (see the last test for what happens otherwise).
    await fx.waitForEvents(3);
    await fx.sql.query('ALTER TABLE t DROP COLUMN a');
    await fx.sql.query('INSERT INTO t VALUES (3, 3)');
    const events = (await fx.waitForEvents(4)).map((r) => r.event);
    await running.stop();
    expect(events.map((e) => e.after)).toEqual([
      { id: 1, a: 'one' },
      { id: 2, a: 'two', b: '2.50' },
      { id: 1, a: 'uno', b: '0.00' },
      { id: 3, b: '3.00' },
    ]);
    expect(events[0]!.table.columns.map((c) => c.name)).toEqual(['id', 'a']);
    expect(events[1]!.table.columns.map((c) => c.sourceType)).toEqual(['int(11)', 'varchar(20)', 'decimal(6,2)']);
    expect(events[3]!.table.columns.map((c) => c.name)).toEqual(['id', 'b']);
  });

  it('resumes with the definition stored with its position when an ALTER happened while it was down', async () => {
    const fx = new MysqlReaderFixture();
    fxs.push(fx);
    await fx.setup(['t'], ['CREATE TABLE t (id INT PRIMARY KEY, a INT)']);
    await fx.establishOffset('INSERT INTO t VALUES (1, 1)');
    await fx.sql.query('INSERT INTO t VALUES (2, 2)');
    await fx.sql.query('ALTER TABLE t ADD COLUMN c VARCHAR(5)');
    await fx.sql.query("INSERT INTO t VALUES (3, 3, 'x')");
    const running = await fx.startInProcess();
    const events = (await fx.waitForEvents(3)).map((r) => r.event);
    await running.stop();
    expect(events.map((e) => e.after)).toEqual([{ id: 1, a: 1 }, { id: 2, a: 2 }, { id: 3, a: 3, c: 'x' }]);
  });

  it('refuses rows whose binlog layout no longer matches the definition information_schema shows now', async () => {
    const fx = new MysqlReaderFixture();
    fxs.push(fx);
    await fx.setup(['t'], ['CREATE TABLE t (id INT PRIMARY KEY, a INT)']);
    await fx.establishOffset('INSERT INTO t VALUES (1, 1)');
    await fx.sql.query('ALTER TABLE t ADD COLUMN b INT');
    await fx.sql.query('INSERT INTO t VALUES (2, 2, 2)');
    await fx.sql.query('ALTER TABLE t MODIFY b VARCHAR(5)');
    await fx.sql.query("INSERT INTO t VALUES (3, 3, 'x')");
    const running = await fx.startInProcess();
    const error = await running.done.then(() => undefined, (e: unknown) => e);
    expect(isTandemError(error, 'TANDEM_MYSQL_TABLE_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain('column 3 (b varchar(5)) has binlog type 3');
  });
});
