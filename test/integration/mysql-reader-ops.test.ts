import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlReaderFixture, type InProcessReader } from './helpers/mysql-fixture.js';

/*
 * Real MariaDB: inserts, updates, deletes, TRUNCATE and multi-statement transactions on a configured
 * table reach the changes topic as change events with full before/after images, in order, one Kafka
 * record per row, with the binlog position fields in the source block; other tables are not read.
 */
describe('mysql reader: operations', () => {
  const fx = new MysqlReaderFixture();
  let running: InProcessReader;

  beforeAll(async () => {
    await fx.setup(['items'], [
      'CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT, note TEXT)',
      'CREATE TABLE other (id INT PRIMARY KEY)',
    ]);
    running = await fx.startInProcess();
  });

  afterAll(async () => {
    await running?.stop().catch(() => undefined);
    await fx.cleanup();
  });

  it('publishes every row change with its images, transaction and binlog position', async () => {
    const sql = fx.sql;
    await sql.query("INSERT INTO items VALUES (1, 'apple', 3, NULL)");
    await sql.query("INSERT INTO items VALUES (2, 'pear', 5, 'ripe'), (3, 'plum', 7, NULL)");
    await sql.query('INSERT INTO other VALUES (1)');
    await sql.query("UPDATE items SET qty = qty + 1, note = 'x' WHERE id = 1");
    await sql.query('BEGIN');
    await sql.query('DELETE FROM items WHERE id = 2');
    await sql.query("UPDATE items SET name = 'plum!' WHERE id = 3");
    await sql.query('COMMIT');
    await sql.query('TRUNCATE TABLE items');
    const records = await fx.waitForEvents(7);
    const events = records.map((r) => r.event);
    expect(events.map((e) => e.op)).toEqual(['c', 'c', 'c', 'u', 'd', 'u', 't']);
    expect(events[0]!.after).toEqual({ id: 1, name: 'apple', qty: 3, note: null });
    expect(events[0]!.before).toBeNull();
    expect(events[3]!.before).toEqual({ id: 1, name: 'apple', qty: 3, note: null });
    expect(events[3]!.after).toEqual({ id: 1, name: 'apple', qty: 4, note: 'x' });
    expect(events[4]!.before).toEqual({ id: 2, name: 'pear', qty: 5, note: 'ripe' });
    expect(events[4]!.after).toBeNull();
    expect(events[5]!.after).toEqual({ id: 3, name: 'plum!', qty: 7, note: null });
    // Transactions: the two-row insert and the BEGIN…COMMIT block share a GTID each, sequences count within.
    expect(events[1]!.transaction.id).toBe(events[2]!.transaction.id);
    expect([events[1]!.transaction.sequence, events[2]!.transaction.sequence]).toEqual([0, 1]);
    expect(events[4]!.transaction.id).toBe(events[5]!.transaction.id);
    expect(new Set(events.map((e) => e.transaction.id)).size).toBe(5);
    for (const e of events) {
      expect(e.source.engine).toBe('mysql');
      expect(e.source.database).toBe(fx.database);
      expect(e.source.table).toBe('items');
      expect(e.source.gtid).toMatch(/^\d+-1-\d+$/);
      expect(e.source.txId).toBe(e.source.gtid);
      expect(e.source.lsn).toBeNull();
      expect(e.source.serverId).toBe(1n);
      expect(e.source.binlogFile).toMatch(/^binlog\.\d+$/);
      expect(e.source.binlogPosition).toBeGreaterThan(4n);
      expect(e.source.commitTimestampPrecision).toBe('seconds');
      expect(Number(e.source.commitTimestampMicros / 1_000_000n)).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(e.origin).toBe(fx.node);
    }
    expect(events[0]!.table.key).toEqual(['id']);
    // Keys: one row's changes share a key.
    expect(records[0]!.record.key!.toString()).toBe(records[3]!.record.key!.toString());
  });
});
