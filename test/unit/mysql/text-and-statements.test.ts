import { describe, expect, it } from 'vitest';
import { textDecoderFor } from '../../../src/mysql/charsets.js';
import { parseEnumLabels } from '../../../src/mysql/catalog-column.js';
import { formatInet4, formatInet6 } from '../../../src/mysql/inet.js';
import { classifyStatement, namedTables, truncatedTable } from '../../../src/mysql/statements.js';
import { parseMysqlTableRef } from '../../../src/mysql/table-refs.js';

describe('character sets', () => {
  it("decodes MySQL's latin1 (Windows-1252 with C1 controls in its holes)", () => {
    const latin1 = textDecoderFor('latin1', 'x');
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x81, 0x89, 0x9d, 0xff]);
    expect(latin1(bytes, 0, bytes.length)).toBe('café €\u0081‰\u009dÿ');
  });

  it('decodes utf8mb4 (emoji) and refuses unknown character sets with the fix', () => {
    const utf8 = textDecoderFor('utf8mb4', 'x');
    const bytes = Buffer.from('😀é', 'utf8');
    expect(utf8(bytes, 0, bytes.length)).toBe('😀é');
    expect(() => textDecoderFor('big5', 'db.t.c')).toThrow(/db\.t\.c uses character set big5.*CHARACTER SET utf8mb4/);
  });
});

describe('MariaDB INET types', () => {
  it('prints addresses as the server does', () => {
    const v6 = (hex: string) => formatInet6(Buffer.from(hex, 'hex'));
    expect(v6('20010db8000000000000000000000001')).toBe('2001:db8::1');
    expect(v6('00000000000000000000ffff01020304')).toBe('::ffff:1.2.3.4');
    expect(v6('00000000000000000000000000000000')).toBe('::');
    expect(v6('00000000000000000000000000000001')).toBe('::1');
    expect(v6('00000000000000000000000001020304')).toBe('::1.2.3.4');
    expect(v6('20010db8000000010000000000000001')).toBe('2001:db8:0:1::1');
    expect(v6('20010db8000100010001000100010001')).toBe('2001:db8:1:1:1:1:1:1');
    expect(formatInet4(Buffer.from([192, 168, 0, 1]))).toBe('192.168.0.1');
  });
});

describe('binlog statements', () => {
  it('sorts QUERY event statements', () => {
    expect(classifyStatement('BEGIN')).toBe('begin');
    expect(classifyStatement('COMMIT')).toBe('commit');
    expect(classifyStatement('ROLLBACK')).toBe('rollback');
    expect(classifyStatement('ROLLBACK TO SAVEPOINT a')).toBe('other');
    expect(classifyStatement('/* x */ ALTER TABLE t ADD c INT')).toBe('ddl');
    expect(classifyStatement('/*!40000 ALTER TABLE t DISABLE KEYS */')).toBe('ddl');
    expect(classifyStatement('truncate table t')).toBe('truncate');
    expect(classifyStatement('-- c\nINSERT INTO t VALUES (1)')).toBe('dml');
    expect(classifyStatement('XA START x')).toBe('xa');
    expect(classifyStatement('GRANT SELECT ON *.* TO u')).toBe('other');
  });

  it('finds the tables a statement names', () => {
    expect(namedTables("ALTER TABLE `my db`.`t``1` ADD x INT DEFAULT 'items'")).toEqual([
      { database: undefined, table: 'ALTER' },
      { database: undefined, table: 'TABLE' },
      { database: 'my db', table: 't`1' },
      { database: undefined, table: 'ADD' },
      { database: undefined, table: 'x' },
      { database: undefined, table: 'INT' },
      { database: undefined, table: 'DEFAULT' },
    ]);
    expect(truncatedTable('TRUNCATE TABLE db.items')).toEqual({ database: 'db', table: 'items' });
    expect(truncatedTable('TRUNCATE `items`')).toEqual({ database: undefined, table: 'items' });
  });
});

describe('configuration names', () => {
  it('parses table references and ENUM labels', () => {
    expect(parseMysqlTableRef('items', 'shop')).toEqual({ database: 'shop', table: 'items' });
    expect(parseMysqlTableRef('`a.b`.`c``d`', 'shop')).toEqual({ database: 'a.b', table: 'c`d' });
    expect(() => parseMysqlTableRef('a.b.c', 'shop')).toThrow(/database\.table/);
    expect(parseEnumLabels("enum('a','it''s','c,d','')")).toEqual(['a', "it's", 'c,d', '']);
  });
});
