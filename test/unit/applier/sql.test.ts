import { describe, expect, it } from 'vitest';
import { bucketSizes, myDeleteSql, myIdent, myRekeySql, myTable, myTruncateSql, myUpsertSql } from '../../../src/applier/mysql-sql.js';
import { pgDeleteSql, pgIdent, pgRekeySql, pgTable, pgUpsertSql } from '../../../src/applier/pg-sql.js';
import type { TargetColumn } from '../../../src/applier/target-table.js';

const col = (name: string, castType: string): TargetColumn => ({ name, type: { kind: 'string' }, sqlType: castType, castType, notNull: true, generated: false });

describe('PostgreSQL statements', () => {
  it('quotes every identifier, whatever it holds', () => {
    expect(pgIdent('select')).toBe('"select"');
    expect(pgIdent('quo"te')).toBe('"quo""te"');
    expect(pgIdent('sp ace.ünï')).toBe('"sp ace.ünï"');
    expect(pgTable({ schema: 'My "Schema"', table: 'Order Items' })).toBe('"My ""Schema"""."Order Items"');
  });

  it('upserts and deletes through unnested text arrays cast to each column type', () => {
    const table = { schema: 'public', table: 'Order Items' };
    const cols = [col('tenant id', 'pg_catalog.int4'), col('id', 'pg_catalog.int8'), col('note', 'pg_catalog.text')];
    expect(pgUpsertSql(table, cols, ['tenant id', 'id'], false)).toBe(
      'INSERT INTO "public"."Order Items" ("tenant id", "id", "note") SELECT u.c0::pg_catalog.int4, u.c1::pg_catalog.int8, u.c2::pg_catalog.text ' +
        'FROM unnest($1::text[], $2::text[], $3::text[]) AS u(c0, c1, c2) ON CONFLICT ("tenant id", "id") DO UPDATE SET "note" = EXCLUDED."note"',
    );
    expect(pgUpsertSql(table, cols.slice(0, 2), ['tenant id', 'id'], true)).toBe(
      'INSERT INTO "public"."Order Items" ("tenant id", "id") OVERRIDING SYSTEM VALUE SELECT u.c0::pg_catalog.int4, u.c1::pg_catalog.int8 ' +
        'FROM unnest($1::text[], $2::text[]) AS u(c0, c1) ON CONFLICT ("tenant id", "id") DO NOTHING',
    );
    expect(pgDeleteSql(table, cols.slice(0, 2))).toBe(
      'DELETE FROM "public"."Order Items" WHERE ("tenant id", "id") IN (SELECT u.c0::pg_catalog.int4, u.c1::pg_catalog.int8 FROM unnest($1::text[], $2::text[]) AS u(c0, c1))',
    );
    expect(pgRekeySql(table, [cols[1]!, cols[2]!], cols.slice(0, 2))).toBe(
      'UPDATE "public"."Order Items" SET "id" = $1::pg_catalog.int8, "note" = $2::pg_catalog.text WHERE "tenant id" = $3::pg_catalog.int4 AND "id" = $4::pg_catalog.int8',
    );
  });
});

describe('MySQL statements', () => {
  it('back-quotes every identifier, whatever it holds', () => {
    expect(myIdent('back`tick')).toBe('`back``tick`');
    expect(myTable({ schema: 'it', table: 'select' })).toBe('`it`.`select`');
  });

  it('builds multi-row upserts and deletes for a bucket of rows', () => {
    const t = { schema: 'db', table: 'Order Items' };
    expect(myUpsertSql(t, ['k', 'v'], ['k'], 2, 'mariadb')).toBe(
      'INSERT INTO `db`.`Order Items` (`k`, `v`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)',
    );
    expect(myUpsertSql(t, ['k', 'v'], ['k'], 1, 'mysql')).toBe(
      'INSERT INTO `db`.`Order Items` (`k`, `v`) VALUES (?, ?) AS tandem_new ON DUPLICATE KEY UPDATE `v` = tandem_new.`v`',
    );
    expect(myUpsertSql(t, ['k'], ['k'], 1, 'mariadb')).toBe('INSERT INTO `db`.`Order Items` (`k`) VALUES (?) ON DUPLICATE KEY UPDATE `k` = VALUES(`k`)');
    expect(myDeleteSql(t, ['k'], 3)).toBe('DELETE FROM `db`.`Order Items` WHERE `k` IN (?, ?, ?)');
    expect(myDeleteSql(t, ['a', 'b'], 2)).toBe('DELETE FROM `db`.`Order Items` WHERE (`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?)');
    expect(myRekeySql(t, ['k', 'v'], ['k'])).toBe('UPDATE `db`.`Order Items` SET `k` = ?, `v` = ? WHERE `k` = ?');
    expect(myTruncateSql(t)).toBe('DELETE FROM `db`.`Order Items`');
  });

  it('cuts row counts into the prepared bucket sizes', () => {
    expect(bucketSizes(700, 512)).toEqual([512, 128, 32, 16, 8, 4]);
    expect(bucketSizes(3, 512)).toEqual([2, 1]);
    expect(bucketSizes(1000, 100)).toEqual([64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 32, 8]);
    expect(bucketSizes(0, 512)).toEqual([]);
  });
});
