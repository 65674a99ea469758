import { describe, expect, it } from 'vitest';
import { MariadbGtidPosition, MysqlGtidSet } from '../../../src/mysql/gtid.js';
import { MysqlPosition } from '../../../src/mysql/mysql-position.js';

describe('MariaDB GTID positions', () => {
  it('parses, covers and extends domain-server-seq lists', () => {
    const p = MariadbGtidPosition.parse('1-2-7, 0-1-100');
    expect(p.toString()).toBe('0-1-100,1-2-7');
    expect(p.covers(0, 100n)).toBe(true);
    expect(p.covers(0, 101n)).toBe(false);
    expect(p.covers(5, 1n)).toBe(false);
    const q = p.with(0, 3, 101n);
    expect(q.toString()).toBe('0-3-101,1-2-7');
    expect(p.compare(q)).toBe(-1);
    expect(q.compare(p)).toBe(1);
    expect(p.compare(MariadbGtidPosition.parse('0-1-100,1-2-7'))).toBe(0);
    expect(q.compare(MariadbGtidPosition.parse('0-1-100,1-2-9'))).toBeNull();
    expect(() => MariadbGtidPosition.parse('0-1')).toThrow(/MariaDB GTID/);
  });
});

describe('MySQL GTID sets', () => {
  const a = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const b = '4e11fa47-71ca-11e1-9e33-c80aa9429562';
  it('parses, merges intervals, tests membership and prints canonically', () => {
    const set = MysqlGtidSet.parse(`${b}:1-3, ${a.toUpperCase()}:1-5:7:6`);
    expect(set.toString()).toBe(`${a}:1-7,${b}:1-3`);
    expect(set.contains(a, 7n)).toBe(true);
    expect(set.contains(a, 8n)).toBe(false);
    set.add(a, 8n);
    set.add(b, 10n);
    expect(set.toString()).toBe(`${a}:1-8,${b}:1-3:10`);
    expect(MysqlGtidSet.parse(`${a}:1-5`).compare(set)).toBe(-1);
    expect(set.compare(MysqlGtidSet.parse(`${a}:1-9`))).toBeNull();
  });

  it('encodes the set as COM_BINLOG_DUMP_GTID carries it (end exclusive)', () => {
    const encoded = MysqlGtidSet.parse(`${a}:1-5:7`).encode();
    expect(encoded.readBigUInt64LE(0)).toBe(1n);
    expect(encoded.subarray(8, 24).toString('hex')).toBe(a.replaceAll('-', ''));
    expect(encoded.readBigUInt64LE(24)).toBe(2n);
    expect([32, 40, 48, 56].map((o) => encoded.readBigUInt64LE(o))).toEqual([1n, 6n, 7n, 8n]);
    expect(encoded.length).toBe(64);
  });
});

describe('MysqlPosition', () => {
  it('round-trips through JSON with its table definitions', () => {
    const tables = { 'db.t': { columns: [], key: ['id'] } };
    const p = new MysqlPosition(MariadbGtidPosition.parse('0-1-5'), 'binlog.000003', 1234, tables);
    const back = MysqlPosition.fromJson(JSON.parse(JSON.stringify(p.toJson())) as Record<string, unknown>);
    expect(back.toJson()).toEqual(p.toJson());
    expect(back.flavor).toBe('mariadb');
    expect(back.covers({ flavor: 'mariadb', domain: 0, server: 1, seq: 5n })).toBe(true);
    expect(back.covers({ flavor: 'mariadb', domain: 0, server: 1, seq: 6n })).toBe(false);
    expect(back.covers({ flavor: 'mysql', uuid: 'x', gno: 1n })).toBe(false);
    expect(p.toString()).toBe('gtid 0-1-5 (binlog.000003:1234)');
    expect(() => MysqlPosition.fromJson({ endLsn: '0/1' })).toThrow(/flavor/);
  });
});
