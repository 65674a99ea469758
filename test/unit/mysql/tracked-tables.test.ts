import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import { decodeRowsHead, readRowImage } from '../../../src/mysql/binlog/rows-event.js';
import { decodeTableMap, decodeTableMapHead } from '../../../src/mysql/binlog/table-map.js';
import type { CatalogColumn } from '../../../src/mysql/catalog-column.js';
import type { StoredTable } from '../../../src/mysql/mysql-position.js';
import { TrackedTables } from '../../../src/mysql/tracked-tables.js';
import { CHARSETS, CRC32, WIDE_MAP, WIDE_ROW } from './fixtures/full-metadata-events.js';

/*
 * Which columns rows are decoded with: a TABLE_MAP with full metadata describes its table by itself,
 * whatever definition the reader holds (information_schema, possibly ahead of the binlog); without it,
 * the held definition must agree with whatever the TABLE_MAP does say, or the rows are refused.
 */
const col = (name: string, dataType: string, columnType: string, extra: Partial<CatalogColumn> = {}): CatalogColumn => ({
  name, dataType, columnType, nullable: true, unsigned: columnType.endsWith(' unsigned'), charset: null, numericPrecision: null,
  numericScale: null, datetimePrecision: null, charMaxLength: null, json: false, labels: null, virtual: false, ...extra,
});

/** cap2.wide as information_schema describes it (MariaDB 10.11). */
function wideCatalog(): CatalogColumn[] {
  const utf8 = { charset: 'utf8mb4' };
  return [
    col('id', 'int', 'int(11)', { nullable: false }), col('u', 'int', 'int(10) unsigned'), col('ti', 'tinyint', 'tinyint(3) unsigned'),
    col('bi', 'bigint', 'bigint(20) unsigned'), col('sm', 'smallint', 'smallint(6)'),
    col('d', 'decimal', 'decimal(8,3) unsigned', { numericPrecision: 8, numericScale: 3 }), col('f', 'float', 'float'), col('db', 'double', 'double'),
    col('b1', 'bit', 'bit(1)', { numericPrecision: 1 }), col('b10', 'bit', 'bit(10)', { numericPrecision: 10 }), col('y', 'year', 'year(4)'),
    col('da', 'date', 'date'), col('tm', 'time', 'time(3)', { datetimePrecision: 3 }), col('dt', 'datetime', 'datetime(6)', { datetimePrecision: 6 }),
    col('ts', 'timestamp', 'timestamp(3)', { datetimePrecision: 3 }), col('c', 'char', 'char(5)', { ...utf8, charMaxLength: 5, nullable: false }),
    col('v', 'varchar', 'varchar(20)', { charset: 'latin1', charMaxLength: 20 }), col('bn', 'binary', 'binary(4)', { charMaxLength: 4 }),
    col('vb', 'varbinary', 'varbinary(8)', { charMaxLength: 8 }), col('tx', 'text', 'text', { ...utf8, charMaxLength: 65535 }),
    col('bl', 'blob', 'blob', { charMaxLength: 65535 }), col('e', 'enum', "enum('a','b','it''s')", { ...utf8, labels: ['a', 'b', "it's"] }),
    col('s', 'set', "set('x','y')", { ...utf8, labels: ['x', 'y'] }), col('j', 'longtext', 'longtext', { ...utf8, json: true, charMaxLength: 4294967295 }),
    col('uu', 'uuid', 'uuid'), col('i6', 'inet6', 'inet6'), col('g', 'point', 'point'),
  ];
}

/** The TABLE_MAP with only the optional metadata fields `keep` allows (none: binlog_row_metadata NO_LOG). */
function withOptionalFields(event: Buffer, keep: (type: number) => boolean): Buffer {
  const { cursor: c } = decodeTableMapHead(event, CRC32);
  const count = c.packed();
  c.skip(count);
  c.skip(c.packed());
  c.skip((count + 7) >> 3);
  const parts = [event.subarray(0, c.pos)];
  while (c.remaining > 0) {
    const start = c.pos;
    const type = c.u8();
    c.skip(c.packed());
    if (keep(type)) parts.push(event.subarray(start, c.pos));
  }
  return Buffer.concat([...parts, Buffer.alloc(4)]);
}
const MINIMAL_FIELDS = new Set([1, 2, 3, 7]);

function tracked(held: StoredTable | undefined): TrackedTables {
  const tables = new TrackedTables([{ database: 'cap2', table: 'wide' }], { node: 'n', zeroDates: 'error', flavor: 'mariadb', charsets: CHARSETS });
  tables.define(new Map([['cap2.wide', held]]));
  return tables;
}

function thrown(run: () => void): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

function decodeRow(tables: TrackedTables, tableId: number) {
  const plan = tables.planFor(tableId)!;
  const head = decodeRowsHead(WIDE_ROW, CRC32, 23, 'write', () => 'wide');
  return { plan, row: readRowImage(head.cursor, plan.names, plan.readers) };
}

describe('TrackedTables', () => {
  it('decodes rows with the TABLE_MAP\'s own columns when it carries full metadata, though information_schema shows another table', () => {
    const stale: StoredTable = { columns: [col('id', 'int', 'int(11)', { nullable: false }), col('c', 'varchar', 'varchar(9)', { charset: 'utf8mb4', charMaxLength: 9 })], key: ['id'] };
    const tables = tracked(stale);
    // Definitions information_schema gave earlier (e.g. stored with the position) supply what the binlog lacks.
    tables.define(new Map([['cap2.wide', { columns: wideCatalog(), key: ['id', 'c'] }]]));
    tables.define(new Map([['cap2.wide', stale]]));
    const map = decodeTableMap(WIDE_MAP, CRC32);
    tables.mapped(map, 'binlog.000001:100');
    const { plan, row } = decodeRow(tables, map.tableId);
    expect(plan.names).toHaveLength(27);
    expect(plan.table.key).toEqual(['id', 'c']);
    const byName = Object.fromEntries(plan.table.columns.map((c) => [c.name, c]));
    expect(byName['id']).toMatchObject({ sourceType: 'int(11)', notNull: true });
    expect(byName['c']).toMatchObject({ sourceType: 'char(5)', type: { kind: 'string', maxLength: 5, fixed: true } });
    expect(byName['uu']!.type).toEqual({ kind: 'uuid' });
    expect(byName['j']).toMatchObject({ sourceType: 'json', type: { kind: 'json', binary: false } });
    expect(row).toMatchObject({ id: 1, c: 'héllo', uu: '123e4567-e89b-12d3-a456-426614174000', i6: '2001:db8::1', j: '{"k": [1, 2]}' });
    // The TABLE_MAP's description is now the one in force, stored with the next position.
    expect(tables.snapshot()['cap2.wide']!.columns.map((c) => c.name)).toEqual(plan.names);
    expect(tables.schemaOf('cap2', 'wide')).toBe(plan.table);
  });

  it('describes a column from the binlog alone when no known definition agrees with it', () => {
    const catalog = wideCatalog().map((c) => (c.name === 'u' ? { ...c, columnType: 'int(11)', unsigned: false } : c));
    const tables = tracked({ columns: catalog, key: ['id', 'c'] });
    const map = decodeTableMap(WIDE_MAP, CRC32);
    tables.mapped(map, 'binlog.000001:100');
    const { plan, row } = decodeRow(tables, map.tableId);
    expect(plan.table.columns.find((c) => c.name === 'u')).toMatchObject({ sourceType: 'int unsigned', type: { kind: 'int64' } });
    expect(row['u']).toBe(4000000000n);
  });

  it('without metadata, decodes with the held definition when it agrees', () => {
    const tables = tracked({ columns: wideCatalog(), key: ['id', 'c'] });
    const map = decodeTableMap(withOptionalFields(WIDE_MAP, () => false), CRC32);
    tables.mapped(map, 'binlog.000001:100');
    expect(decodeRow(tables, map.tableId).row).toMatchObject({ u: 4000000000n, uu: '123e4567-e89b-12d3-a456-426614174000' });
  });

  it('without full metadata, refuses rows the held definition does not describe, naming binlog_row_metadata', () => {
    const stale = { columns: wideCatalog().filter((c) => c.name !== 'g'), key: ['id', 'c'] };
    const tables = tracked(stale);
    const error = thrown(() => tables.mapped(decodeTableMap(withOptionalFields(WIDE_MAP, () => false), CRC32), 'binlog.000001:100'));
    expect(isTandemError(error, 'TANDEM_MYSQL_TABLE_MISMATCH')).toBe(true);
    expect(error.message).toContain('the binlog has 27 columns, the definition 26');
    expect(error.message).toContain('SET GLOBAL binlog_row_metadata = FULL');
    expect(error.message).toContain('the TABLE_MAP lacks column names');
  });

  it('with MINIMAL metadata, still checks signedness and character sets against the held definition', () => {
    const catalog = wideCatalog().map((c) => (c.name === 'u' ? { ...c, columnType: 'int(11)', unsigned: false } : c.name === 'v' ? { ...c, charset: 'utf8mb4' } : c));
    const tables = tracked({ columns: catalog, key: ['id', 'c'] });
    const map = decodeTableMap(withOptionalFields(WIDE_MAP, (t) => MINIMAL_FIELDS.has(t)), CRC32);
    const error = thrown(() => tables.mapped(map, 'binlog.000001:100'));
    expect(isTandemError(error, 'TANDEM_MYSQL_TABLE_MISMATCH')).toBe(true);
    expect(error.message).toContain('column 2 (u int(11)): the binlog has it UNSIGNED; column 17 (v varchar(20)): the binlog has character set latin1)');
  });
});
