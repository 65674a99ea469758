import { describe, expect, it } from 'vitest';
import { decodeRowsHead, readRowImage } from '../../../src/mysql/binlog/rows-event.js';
import { decodeTableMap, type TableMap } from '../../../src/mysql/binlog/table-map.js';
import type { MysqlFlavor } from '../../../src/mysql/mysql-position.js';
import { definitionFromTableMap, seenColumns } from '../../../src/mysql/table-map-definition.js';
import { tableMapFacts } from '../../../src/mysql/table-map-facts.js';
import { mapColumnType } from '../../../src/mysql/type-mapping.js';
import { valueReader } from '../../../src/mysql/value-readers.js';
import { CHARSETS, CRC32, hex, MIXED_MAP, NO_CHECKSUM, NOKEY_MAP, PREFIXED_MAP, SG2_MAP, WIDE_MAP, WIDE_ROW } from './fixtures/full-metadata-events.js';

/* TABLE_MAP optional metadata (binlog_row_metadata=FULL): events captured from MariaDB (see the fixture), and MySQL 8 built from its format. */

function binlogOnly(map: TableMap, flavor: MysqlFlavor) {
  const facts = tableMapFacts(map, flavor);
  const { seen, incomplete } = seenColumns(facts, CHARSETS, flavor, `${map.database}.${map.table}`);
  expect(incomplete).toBeUndefined();
  return definitionFromTableMap(map, facts, seen, CHARSETS, () => []);
}

describe('TABLE_MAP optional metadata captured from MariaDB 10.11', () => {
  it('decodes every field: names, signedness, default charset with exceptions, geometry, ENUM/SET labels and charset, primary key', () => {
    const { metadata } = decodeTableMap(WIDE_MAP, CRC32);
    expect(metadata.columnNames).toEqual(['id', 'u', 'ti', 'bi', 'sm', 'd', 'f', 'db', 'b1', 'b10', 'y', 'da', 'tm', 'dt', 'ts', 'c', 'v', 'bn', 'vb', 'tx', 'bl', 'e', 's', 'j', 'uu', 'i6', 'g']);
    expect(metadata.signedness).toEqual(Buffer.from([0x74, 0x80])); // id u ti bi sm d f db | y
    expect(metadata.charsets).toEqual({ form: 'default', collation: 63, exceptions: new Map([[0, 45], [1, 8], [4, 45], [6, 46]]) });
    expect(metadata.geometryTypes).toEqual([1]);
    expect(metadata.enumSetCharsets).toEqual({ form: 'default', collation: 45, exceptions: new Map() });
    expect(metadata.enumLabels?.map((l) => l.map(String))).toEqual([['a', 'b', "it's"]]);
    expect(metadata.setLabels?.map((l) => l.map(String))).toEqual([['x', 'y']]);
    expect(metadata.primaryKey).toEqual([0, 15]);
  });

  it('assigns them to columns the MariaDB way: YEAR takes a signedness bit, GEOMETRY a collation', () => {
    const facts = tableMapFacts(decodeTableMap(WIDE_MAP, CRC32), 'mariadb');
    expect(facts.incomplete).toBeUndefined();
    const byName = Object.fromEntries(facts.columns.map((f) => [f.name, f]));
    expect(['id', 'u', 'ti', 'bi', 'sm', 'd', 'f', 'db'].map((n) => byName[n]!.unsigned)).toEqual([false, true, true, true, false, true, false, false]);
    expect(byName['y']!.unsigned).toBeUndefined();
    expect(['c', 'v', 'bn', 'vb', 'tx', 'bl', 'j', 'uu', 'i6', 'g', 'e', 's'].map((n) => byName[n]!.collation)).toEqual([45, 8, 63, 63, 45, 63, 46, 63, 63, 63, 45, 45]);
    expect(byName['g']!.geometryType).toBe(1);
    // sg2 (y YEAR, i INT): one byte 0x80 — YEAR's bit is set, INT's is not.
    const sg2 = tableMapFacts(decodeTableMap(SG2_MAP, CRC32), 'mariadb');
    expect(sg2.incomplete).toBeUndefined();
    expect(sg2.columns.map((c) => c.unsigned)).toEqual([undefined, false]);
  });

  it('describes the table from the TABLE_MAP alone, in information_schema terms', () => {
    const def = binlogOnly(decodeTableMap(WIDE_MAP, CRC32), 'mariadb');
    expect(def.key).toEqual(['id', 'c']);
    expect(def.columns.map((c) => c.columnType)).toEqual([
      'int', 'int unsigned', 'tinyint unsigned', 'bigint unsigned', 'smallint', 'decimal(8,3) unsigned', 'float', 'double', 'bit(1)', 'bit(10)',
      'year', 'date', 'time(3)', 'datetime(6)', 'timestamp(3)', 'char(5)', 'varchar(20)', 'binary(4)', 'varbinary(8)', 'text', 'blob',
      "enum('a','b','it''s')", "set('x','y')", 'longtext', 'binary(16)', 'binary(16)', 'point',
    ]);
    expect(def.columns.map((c) => c.charset)).toEqual([
      ...Array(15).fill(null), 'utf8mb4', 'latin1', null, null, 'utf8mb4', null, 'utf8mb4', 'utf8mb4', 'utf8mb4', null, null, null,
    ]);
    expect(def.columns.filter((c) => !c.nullable).map((c) => c.name)).toEqual(['id', 'c']);
    expect(def.columns.find((c) => c.name === 'e')!.labels).toEqual(['a', 'b', "it's"]);
  });

  it('decodes the captured row with that description', () => {
    const map = decodeTableMap(WIDE_MAP, CRC32);
    const def = binlogOnly(map, 'mariadb');
    const readers = def.columns.map((c, i) => valueReader(c, map.columns[i]!, { where: c.name, zeroDates: 'error' }));
    for (const c of def.columns) mapColumnType(c, 'cap2.wide'); // every column is carried
    const head = decodeRowsHead(WIDE_ROW, CRC32, 23, 'write', () => 'wide');
    const row = readRowImage(head.cursor, def.columns.map((c) => c.name), readers);
    expect(head.cursor.pos).toBe(head.cursor.end);
    expect(row).toMatchObject({
      id: 1, u: 4000000000n, ti: 255, bi: '18446744073709551615', sm: -5, d: '12345.678', f: 1.5, db: -2.25, b1: true, b10: Buffer.from([0x02, 0x01]),
      y: 2024, tm: { months: 0, days: 0, micros: -3_723_456_000n }, c: 'héllo', v: 'café', bn: Buffer.from([1, 2, 3, 4]), vb: Buffer.from([0xaa, 0xbb]),
      tx: 'some text', bl: Buffer.from([0, 0xff]), e: "it's", s: 'x,y', j: '{"k": [1, 2]}', uu: Buffer.from('123e4567e89b12d3a456426614174000', 'hex'),
    });
  });

  it('reads per-column charsets (COLUMN_CHARSET, ENUM_AND_SET_COLUMN_CHARSET)', () => {
    const def = binlogOnly(decodeTableMap(MIXED_MAP, CRC32), 'mariadb');
    expect(def.columns.map((c) => [c.name, c.columnType, c.charset])).toEqual([
      ['id', 'int', null], ['a', 'varchar(5)', 'latin1'], ['b', 'varchar(5)', 'ascii'], ['c', 'varchar(5)', 'utf8mb4'],
      ['e', "enum('p','q')", 'latin1'], ['f', "enum('r')", 'utf8mb4'],
    ]);
    expect(def.key).toEqual(['id']);
  });

  it('reads a primary key with a prefix part, and takes every column as the key without one', () => {
    expect(decodeTableMap(PREFIXED_MAP, CRC32).metadata.primaryKey).toEqual([0, 1]);
    expect(binlogOnly(decodeTableMap(PREFIXED_MAP, CRC32), 'mariadb').key).toEqual(['t', 'n']);
    expect(binlogOnly(decodeTableMap(NOKEY_MAP, CRC32), 'mariadb').key).toEqual(['a', 'b']);
  });
});

/*
 * MySQL 8.4 writes the same fields with its own column subsets (sql/log_event.cc: numeric by binlog
 * type without YEAR, character by real type without GEOMETRY) plus COLUMN_VISIBILITY. No MySQL server
 * runs here: this TABLE_MAP is built from that description, for
 *
 *   CREATE TABLE m8 (id INT UNSIGNED NOT NULL PRIMARY KEY, y YEAR, j JSON, name VARCHAR(10) COLLATE utf8mb4_0900_ai_ci,
 *     bin VARBINARY(4), e ENUM('x','y'), gc GEOMETRYCOLLECTION, amount DECIMAL(10,2) UNSIGNED, hidden INT INVISIBLE);
 */
function mysql8TableMap(fields: Array<[number, Buffer]>): Buffer {
  const packedString = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
  const body = Buffer.concat([
    hex('2a0000000000', '0100'), // table id 42, flags
    Buffer.from([2]), Buffer.from('db\0'), Buffer.from([2]), Buffer.from('m8\0'),
    Buffer.from([9]), // column count
    Buffer.from([3, 13, 245, 15, 15, 254, 255, 246, 3]),
    Buffer.from([10]), hex('04', '2800', '0400', 'f701', '04', '0a02'), // type metadata: j, name, bin, e, gc, amount
    Buffer.from([0xfe, 0x01]), // null bitmap: all but id nullable
    ...fields.map(([type, value]) => Buffer.concat([Buffer.from([type, value.length]), value])),
  ]);
  const header = Buffer.alloc(19);
  header[4] = 19;
  header.writeUInt32LE(19 + body.length, 9);
  return Buffer.concat([header, body]);
}
const names = ['id', 'y', 'j', 'name', 'bin', 'e', 'gc', 'amount', 'hidden'];
const MINIMAL_FIELDS: Array<[number, Buffer]> = [
  [1, Buffer.from([0xc0])], // SIGNEDNESS over id, amount, hidden
  [3, Buffer.from([0xfc, 0xff, 0x00, 0x3f])], // COLUMN_CHARSET over name, bin: 255 (packed as fc ff 00), 63
  [7, Buffer.from([7])], // GEOMETRY_TYPE: geometrycollection
];
const FULL_FIELDS: Array<[number, Buffer]> = [
  ...MINIMAL_FIELDS,
  [4, Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([n.length]), Buffer.from(n)])))], // COLUMN_NAME
  [10, Buffer.from([0xfc, 0xff, 0x00])], // ENUM_AND_SET_DEFAULT_CHARSET 255
  [6, hex('02', '0178', '0179')], // ENUM_STR_VALUE
  [8, Buffer.from([0])], // SIMPLE_PRIMARY_KEY
  [12, Buffer.from([0xff, 0x00])], // COLUMN_VISIBILITY: hidden is invisible
  [99, Buffer.from([1, 2, 3])], // a field from the future: skipped
];

describe('TABLE_MAP optional metadata of MySQL 8', () => {
  it('assigns signedness without YEAR and charsets without GEOMETRY, and describes the table', () => {
    const map = decodeTableMap(mysql8TableMap(FULL_FIELDS), NO_CHECKSUM);
    const def = binlogOnly(map, 'mysql');
    expect(def.columns.map((c) => [c.name, c.columnType, c.charset, c.nullable])).toEqual([
      ['id', 'int unsigned', null, false],
      ['y', 'year', null, true],
      ['j', 'json', null, true],
      ['name', 'varchar(10)', 'utf8mb4', true],
      ['bin', 'varbinary(4)', null, true],
      ['e', "enum('x','y')", 'utf8mb4', true],
      ['gc', 'geomcollection', null, true],
      ['amount', 'decimal(10,2) unsigned', null, true],
      ['hidden', 'int', null, true],
    ]);
    expect(def.key).toEqual(['id']);
    expect(def.columns.map((c) => mapColumnType(c, 'db.m8').type.kind)).toEqual(['int64', 'int16', 'json', 'string', 'bytes', 'enum', 'bytes', 'decimal', 'int32']);
  });

  it('is incomplete with MINIMAL metadata (no names), and when a list does not fit the columns it covers', () => {
    const minimal = tableMapFacts(decodeTableMap(mysql8TableMap(MINIMAL_FIELDS), NO_CHECKSUM), 'mysql');
    expect(minimal.incomplete).toContain('column names');
    expect(minimal.columns.map((c) => c.unsigned)).toEqual([true, undefined, undefined, undefined, undefined, undefined, undefined, true, false]);
    // Counted the MariaDB way, GEOMETRY would be a third character column: the two collations do not fit.
    const misread = tableMapFacts(decodeTableMap(mysql8TableMap(FULL_FIELDS), NO_CHECKSUM), 'mariadb');
    expect(misread.incomplete).toContain('character sets that fit its 3 columns');
    expect(misread.columns.every((c) => c.collation === undefined || c.name === 'e')).toBe(true);
  });
});
