import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogicalType, Value } from '../../src/model/logical-type.js';
import { MysqlReaderFixture, type InProcessReader } from './helpers/mysql-fixture.js';

/*
 * Real MariaDB: a table with a column of every supported type holds edge values; each value goes through
 * the binlog, the reader and Avro, and must come back exactly as the in-memory representation of its
 * LogicalType (src/model/logical-type.ts) says.
 */
const DAY = 86_400_000_000n;
const days = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
const micros = (iso: string, frac = 0) => BigInt(Date.parse(`${iso}Z`)) * 1000n + BigInt(frac);
const hms = (sign: 1 | -1, h: number, m: number, s: number, us = 0) => ({ months: 0, days: 0, micros: BigInt(sign) * (BigInt(((h * 60 + m) * 60 + s) * 1_000_000) + BigInt(us)) });

interface Column {
  name: string;
  sql: string;
  type: LogicalType;
  /** [SQL literal, expected value]; row i holds sample i (or NULL when a column has fewer samples). */
  samples: Array<[string, Value]>;
}

const COLUMNS: Column[] = [
  { name: 'ti', sql: 'TINYINT', type: { kind: 'int16' }, samples: [['-128', -128], ['127', 127], ['0', 0]] },
  { name: 'tiu', sql: 'TINYINT UNSIGNED', type: { kind: 'int16' }, samples: [['0', 0], ['255', 255]] },
  { name: 'si', sql: 'SMALLINT', type: { kind: 'int16' }, samples: [['-32768', -32768], ['32767', 32767]] },
  { name: 'siu', sql: 'SMALLINT UNSIGNED', type: { kind: 'int32' }, samples: [['65535', 65535], ['0', 0]] },
  { name: 'mi', sql: 'MEDIUMINT', type: { kind: 'int32' }, samples: [['-8388608', -8388608], ['8388607', 8388607]] },
  { name: 'miu', sql: 'MEDIUMINT UNSIGNED', type: { kind: 'int32' }, samples: [['16777215', 16777215]] },
  { name: 'i', sql: 'INT', type: { kind: 'int32' }, samples: [['-2147483648', -2147483648], ['2147483647', 2147483647]] },
  { name: 'iu', sql: 'INT UNSIGNED', type: { kind: 'int64' }, samples: [['4294967295', 4294967295n], ['0', 0n]] },
  { name: 'bi', sql: 'BIGINT', type: { kind: 'int64' }, samples: [['-9223372036854775808', -9223372036854775808n], ['9223372036854775807', 9223372036854775807n]] },
  {
    name: 'biu', sql: 'BIGINT UNSIGNED', type: { kind: 'decimal', precision: 20, scale: 0 },
    samples: [['18446744073709551615', '18446744073709551615'], ['9223372036854775808', '9223372036854775808'], ['0', '0']],
  },
  {
    name: 'dmax', sql: 'DECIMAL(65,30)', type: { kind: 'decimal', precision: 65, scale: 30 },
    samples: [
      ['-99999999999999999999999999999999999.999999999999999999999999999999', '-99999999999999999999999999999999999.999999999999999999999999999999'],
      ['0.000000000000000000000000000001', '0.000000000000000000000000000001'],
      ['12345678901234567890.5', '12345678901234567890.500000000000000000000000000000'],
    ],
  },
  { name: 'd102', sql: 'DECIMAL(10,2)', type: { kind: 'decimal', precision: 10, scale: 2 }, samples: [['-0.01', '-0.01'], ['12345678.90', '12345678.90'], ['0', '0.00']] },
  { name: 'd50', sql: 'DECIMAL(5,0)', type: { kind: 'decimal', precision: 5, scale: 0 }, samples: [['-99999', '-99999'], ['7', '7']] },
  { name: 'd44', sql: 'DECIMAL(4,4)', type: { kind: 'decimal', precision: 4, scale: 4 }, samples: [['-0.9999', '-0.9999'], ['0.0001', '0.0001']] },
  { name: 'f', sql: 'FLOAT', type: { kind: 'float32' }, samples: [['1.5', 1.5], ['-3.40282e38', Math.fround(-3.40282e38)], ['0.1', Math.fround(0.1)]] },
  { name: 'dbl', sql: 'DOUBLE', type: { kind: 'float64' }, samples: [['0.1', 0.1], ['-1.7976931348623157e308', -1.7976931348623157e308], ['5e-324', 5e-324]] },
  { name: 'b1', sql: 'BIT(1)', type: { kind: 'boolean' }, samples: [["b'1'", true], ["b'0'", false]] },
  { name: 'b10', sql: 'BIT(10)', type: { kind: 'bytes' }, samples: [["b'1000000001'", Buffer.from([0x02, 0x01])], ["b'0'", Buffer.from([0, 0])]] },
  { name: 'b64', sql: 'BIT(64)', type: { kind: 'bytes' }, samples: [["b'1111111111111111111111111111111111111111111111111111111111111111'", Buffer.alloc(8, 0xff)]] },
  { name: 'dt', sql: 'DATE', type: { kind: 'date' }, samples: [["'1000-01-01'", days('1000-01-01')], ["'9999-12-31'", days('9999-12-31')], ["'2024-02-29'", days('2024-02-29')]] },
  { name: 'dtm', sql: 'DATETIME', type: { kind: 'timestamp' }, samples: [["'1000-01-01 00:00:00'", micros('1000-01-01T00:00:00')], ["'2024-02-29 12:34:56'", micros('2024-02-29T12:34:56')]] },
  {
    name: 'dtm6', sql: 'DATETIME(6)', type: { kind: 'timestamp' },
    samples: [["'9999-12-31 23:59:59.999999'", micros('9999-12-31T23:59:59', 999_999)], ["'1000-01-01 00:00:00.000001'", micros('1000-01-01T00:00:00', 1)]],
  },
  { name: 'dtm3', sql: 'DATETIME(3)', type: { kind: 'timestamp' }, samples: [["'2024-01-01 00:00:00.123'", micros('2024-01-01T00:00:00', 123_000)]] },
  { name: 'dtm1', sql: 'DATETIME(1)', type: { kind: 'timestamp' }, samples: [["'2024-01-01 00:00:00.9'", micros('2024-01-01T00:00:00', 900_000)]] },
  { name: 'ts', sql: 'TIMESTAMP NULL', type: { kind: 'timestamptz' }, samples: [["'1970-01-01 00:00:01'", 1_000_000n], ["'2038-01-19 03:14:07'", 2147483647_000_000n]] },
  { name: 'ts6', sql: 'TIMESTAMP(6) NULL', type: { kind: 'timestamptz' }, samples: [["'2024-02-29 12:34:56.654321'", micros('2024-02-29T12:34:56', 654_321)]] },
  { name: 'tm', sql: 'TIME', type: { kind: 'interval' }, samples: [["'-838:59:59'", hms(-1, 838, 59, 59)], ["'838:59:59'", hms(1, 838, 59, 59)], ["'00:00:00'", hms(1, 0, 0, 0)]] },
  { name: 'tm6', sql: 'TIME(6)', type: { kind: 'interval' }, samples: [["'-00:00:00.000001'", hms(-1, 0, 0, 0, 1)], ["'123:45:56.5'", hms(1, 123, 45, 56, 500_000)]] },
  { name: 'tm1', sql: 'TIME(1)', type: { kind: 'interval' }, samples: [["'-01:00:00.1'", hms(-1, 1, 0, 0, 100_000)], ["'25:00:00.9'", hms(1, 25, 0, 0, 900_000)]] },
  { name: 'tm3', sql: 'TIME(3)', type: { kind: 'interval' }, samples: [["'-838:59:58.999'", hms(-1, 838, 59, 58, 999_000)], ["'-00:00:01.001'", hms(-1, 0, 0, 1, 1_000)]] },
  { name: 'y', sql: 'YEAR', type: { kind: 'int16' }, samples: [['1901', 1901], ['2155', 2155], ['0', 0]] },
  { name: 'c5', sql: 'CHAR(5)', type: { kind: 'string', maxLength: 5, fixed: true }, samples: [["'ab  '", 'ab'], ["'😀é'", '😀é'], ["''", '']] },
  {
    name: 'vc', sql: 'VARCHAR(300)', type: { kind: 'string', maxLength: 300 },
    samples: [["'😀 naïve 日本'", '😀 naïve 日本'], [`'${'x'.repeat(299)}é'`, `${'x'.repeat(299)}é`], ["''", '']],
  },
  { name: 'vlat', sql: 'VARCHAR(20) CHARACTER SET latin1', type: { kind: 'string', maxLength: 20 }, samples: [["'café €‰ÿ'", 'café €‰ÿ'], ["'ascii'", 'ascii']] },
  { name: 'txt', sql: 'TEXT', type: { kind: 'string' }, samples: [["'tab\\tnew\\nline'", 'tab\tnew\nline'], [`'${'é'.repeat(10_000)}'`, 'é'.repeat(10_000)]] },
  { name: 'ltxt', sql: 'LONGTEXT', type: { kind: 'string' }, samples: [["'🎉'", '🎉']] },
  { name: 'bin4', sql: 'BINARY(4)', type: { kind: 'bytes' }, samples: [["'ab'", Buffer.from([0x61, 0x62, 0, 0])], ["x'00000000'", Buffer.alloc(4)], ["x'00010000'", Buffer.from([0, 1, 0, 0])]] },
  { name: 'vbin', sql: 'VARBINARY(10)', type: { kind: 'bytes' }, samples: [["x'00ff00'", Buffer.from([0, 0xff, 0])], ["''", Buffer.alloc(0)]] },
  { name: 'blb', sql: 'BLOB', type: { kind: 'bytes' }, samples: [["x'deadbeef00'", Buffer.from('deadbeef00', 'hex')]] },
  { name: 'lblb', sql: 'LONGBLOB', type: { kind: 'bytes' }, samples: [[`x'${'ab'.repeat(70_000)}'`, Buffer.alloc(70_000, 0xab)]] },
  { name: 'e', sql: "ENUM('a','b','c d','it''s')", type: { kind: 'enum', typeName: '', labels: ['a', 'b', 'c d', "it's"] }, samples: [["'c d'", 'c d'], ["'it''s'", "it's"], ["'a'", 'a']] },
  { name: 'st', sql: "SET('x','y','z')", type: { kind: 'string' }, samples: [["'z,x'", 'x,z'], ["''", ''], ["'x,y,z'", 'x,y,z']] },
  { name: 'j', sql: 'JSON', type: { kind: 'json', binary: false }, samples: [[`'{"a": [1, 2.50, "é"],  "b":null}'`, '{"a": [1, 2.50, "é"],  "b":null}'], ["'[]'", '[]']] },
  { name: 'u', sql: 'UUID', type: { kind: 'uuid' }, samples: [["'123e4567-e89b-12d3-a456-426614174000'", '123e4567-e89b-12d3-a456-426614174000'], ["'01234567-89ab-4def-8123-456789abcdef'", '01234567-89ab-4def-8123-456789abcdef']] },
  { name: 'ip6', sql: 'INET6', type: { kind: 'string' }, samples: [["'2001:db8::1'", '2001:db8::1'], ["'::ffff:1.2.3.4'", '::ffff:1.2.3.4'], ["'::'", '::']] },
  { name: 'ip4', sql: 'INET4', type: { kind: 'string' }, samples: [["'192.168.0.1'", '192.168.0.1'], ["'0.0.0.0'", '0.0.0.0']] },
];

const ROWS = Math.max(...COLUMNS.map((c) => c.samples.length)) + 1; // the last row is all NULL

function expectedRow(row: number): Record<string, Value | null> {
  const out: Record<string, Value | null> = { id: row };
  for (const c of COLUMNS) out[c.name] = c.samples[row]?.[1] ?? null;
  return out;
}

describe('mysql reader: types', () => {
  const fx = new MysqlReaderFixture();
  let running: InProcessReader;

  let previousRowMetadata: string | undefined;

  beforeAll(async () => {
    await fx.setup(['types'], [`CREATE TABLE types (id INT PRIMARY KEY, ${COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`]);
    // Every TABLE_MAP carries the columns (names, signedness, charsets, labels): rows are decoded from them.
    previousRowMetadata = await fx.setRowMetadata('FULL');
    running = await fx.startInProcess();
  });

  afterAll(async () => {
    await running?.stop().catch(() => undefined);
    if (previousRowMetadata) await fx.sql.query(`SET GLOBAL binlog_row_metadata = ${previousRowMetadata}`);
    await fx.cleanup();
  });

  it('maps every column type to its LogicalType', async () => {
    await fx.sql.query('INSERT INTO types (id) VALUES (100)');
    const [record] = await fx.waitForEvents(1);
    const columns = record!.event.table.columns;
    expect(columns[0]).toMatchObject({ name: 'id', type: { kind: 'int32' }, notNull: true });
    for (const c of COLUMNS) {
      const column = columns.find((x) => x.name === c.name)!;
      const type = c.type.kind === 'enum' ? { ...c.type, typeName: `${fx.database}.types.${c.name}` } : c.type;
      expect(column.type, c.name).toEqual(type);
    }
    expect(columns.find((c) => c.name === 'j')!.sourceType).toBe('json');
    expect(columns.find((c) => c.name === 'biu')!.sourceType).toBe('bigint(20) unsigned');
    // The version built from the TABLE_MAP's metadata agrees with information_schema on every column
    // (else a column would have been described from the binlog alone, without display widths).
    const [catalog] = (await fx.sql.query(
      "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'types' ORDER BY ORDINAL_POSITION",
    )) as unknown as [Array<{ name: string; type: string }>];
    expect(columns.map((c) => [c.name, c.sourceType])).toEqual(catalog.map((c) => [c.name, c.name === 'j' ? 'json' : c.type]));
  });

  it('carries every value exactly through inserts, updates and deletes', async () => {
    for (let row = 0; row < ROWS; row++) {
      const values = COLUMNS.map((c) => c.samples[row]?.[0] ?? 'NULL');
      await fx.sql.query(`INSERT INTO types (id, ${COLUMNS.map((c) => c.name).join(', ')}) VALUES (${row}, ${values.join(', ')})`);
    }
    await fx.sql.query('UPDATE types SET id = id + 1000 WHERE id = 0');
    await fx.sql.query('DELETE FROM types WHERE id = 1');
    const records = await fx.waitForEvents(1 + ROWS + 2);
    const events = records.slice(1).map((r) => r.event);
    for (let row = 0; row < ROWS; row++) {
      expect(events[row]!.op).toBe('c');
      const after = events[row]!.after!;
      for (const [name, value] of Object.entries(expectedRow(row))) expect(after[name], `row ${row} column ${name}`).toEqual(value);
    }
    const update = events[ROWS]!;
    expect(update.op).toBe('u');
    expect(update.before).toEqual(expectedRow(0));
    expect(update.after).toEqual({ ...expectedRow(0), id: 1000 });
    const del = events[ROWS + 1]!;
    expect(del.op).toBe('d');
    expect(del.before).toEqual(expectedRow(1));
  });
});
