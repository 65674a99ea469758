import { afterAll, describe, expect, it } from 'vitest';
import { isTandemError } from '../../src/errors.js';
import { MysqlReaderFixture } from './helpers/mysql-fixture.js';

/*
 * Table definitions follow DDL in the binlog: ALTER TABLE mid-stream gives the rows after it a new table
 * version (and writer schema) while the rows before it keep theirs, both while streaming and when the
 * reader was down during the ALTER (it resumes with the definition stored with its position). Several
 * ALTERs the reader has not read yet leave information_schema describing only the last shape: with
 * binlog_row_metadata=FULL every row is decoded with the columns its own TABLE_MAP lists; without it, the
 * reader refuses the rows information_schema cannot describe instead of guessing.
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

  it('decodes every row with the columns it was written with when several ALTERs happened while it was down (binlog_row_metadata=FULL)', async () => {
    const fx = new MysqlReaderFixture();
    fxs.push(fx);
    await fx.setup(['t'], ['CREATE TABLE t (id INT PRIMARY KEY, a INT)']);
    const previous = await fx.setRowMetadata('FULL');
    try {
      await fx.establishOffset('INSERT INTO t VALUES (1, 1)');
      await fx.sql.query('ALTER TABLE t ADD COLUMN b INT UNSIGNED');
      await fx.sql.query('INSERT INTO t VALUES (2, 2, 4000000000)');
      await fx.sql.query('UPDATE t SET a = 20, b = 1 WHERE id = 1');
      await fx.sql.query("ALTER TABLE t DROP COLUMN a, MODIFY b VARCHAR(12) CHARACTER SET latin1 NOT NULL, ADD COLUMN e ENUM('x','y')");
      await fx.sql.query("INSERT INTO t VALUES (3, 'café', 'y')");
      // Reordered labels: index 2 was 'y' for row 3 and is 'z' now — only the row's own TABLE_MAP tells.
      await fx.sql.query("ALTER TABLE t MODIFY e ENUM('y','z','x'), ADD COLUMN ts DATETIME(3)");
      await fx.sql.query("INSERT INTO t VALUES (4, 'b4', 'x', '2024-01-02 03:04:05.678')");
    } finally {
      await fx.sql.query(`SET GLOBAL binlog_row_metadata = ${previous}`);
    }
    const running = await fx.startInProcess();
    const events = (await fx.waitForEvents(5)).map((r) => r.event);
    await running.stop();
    expect(events.map((e) => [e.op, e.before, e.after])).toEqual([
      ['c', null, { id: 1, a: 1 }],
      ['c', null, { id: 2, a: 2, b: 4000000000n }],
      ['u', { id: 1, a: 1, b: null }, { id: 1, a: 20, b: 1n }],
      ['c', null, { id: 3, b: 'café', e: 'y' }],
      ['c', null, { id: 4, b: 'b4', e: 'x', ts: BigInt(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) * 1000n }],
    ]);
    const columns = (i: number) => events[i]!.table.columns.map((c) => `${c.name} ${c.sourceType}${c.notNull ? ' not null' : ''}`);
    expect(columns(0)).toEqual(['id int(11) not null', 'a int(11)']);
    // b INT UNSIGNED never was in information_schema while the reader ran: described from the binlog alone.
    expect(columns(1)).toEqual(['id int(11) not null', 'a int(11)', 'b int unsigned']);
    expect(columns(3)).toEqual(['id int(11) not null', 'b varchar(12) not null', "e enum('x','y')"]);
    expect(columns(4)).toEqual(['id int(11) not null', 'b varchar(12) not null', "e enum('y','z','x')", 'ts datetime(3)']);
    const fingerprints = events.map((e) => e.writerFingerprintHex);
    expect(new Set([fingerprints[0], fingerprints[1], fingerprints[3], fingerprints[4]]).size).toBe(4);
    expect(fingerprints[2]).toBe(fingerprints[1]);
  });

  it('without full row metadata, refuses rows whose binlog layout no longer matches the definition information_schema shows now', async () => {
    const fx = new MysqlReaderFixture();
    fxs.push(fx);
    await fx.setup(['t'], ['CREATE TABLE t (id INT PRIMARY KEY, a INT)']);
    await fx.establishOffset('INSERT INTO t VALUES (1, 1)');
    const previous = await fx.setRowMetadata('MINIMAL');
    try {
      await fx.sql.query('ALTER TABLE t ADD COLUMN b INT');
      await fx.sql.query('INSERT INTO t VALUES (2, 2, 2)');
      await fx.sql.query('ALTER TABLE t MODIFY b VARCHAR(5)');
      await fx.sql.query("INSERT INTO t VALUES (3, 3, 'x')");
    } finally {
      await fx.sql.query(`SET GLOBAL binlog_row_metadata = ${previous}`);
    }
    const running = await fx.startInProcess();
    const error = await running.done.then(() => undefined, (e: unknown) => e);
    expect(isTandemError(error, 'TANDEM_MYSQL_TABLE_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain('column 3 (b varchar(5)): it has binlog type 3');
    expect((error as Error).message).toContain('SET GLOBAL binlog_row_metadata = FULL');
  });
});
