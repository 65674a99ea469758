import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coercionFor } from '../../src/applier/value-coercion.js';
import type { TargetTable } from '../../src/applier/target-table.js';
import type { Param, TargetWriter } from '../../src/applier/target-writer.js';
import { MysqlTargetWriter } from '../../src/applier/mysql-target-writer.js';
import { PgTargetWriter } from '../../src/applier/pg-target-writer.js';
import type { LogicalType, Value } from '../../src/model/logical-type.js';
import { Endpoint, type EngineName } from './helpers/applier-fixture.js';

/*
 * The TargetWriter contract, one suite run against both dialects on the real databases: the catalog
 * facts the applier relies on, multi-row upserts/deletes (across MySQL's row buckets), key moves,
 * truncates inside a transaction, savepoints, the progress table with its optimistic update, error
 * classification, and identifiers that need quoting.
 */
const TABLE = 'odd "name`s" table';

function ddl(engine: EngineName): string[] {
  if (engine === 'postgres') {
    return [
      `CREATE TABLE "${TABLE.replaceAll('"', '""')}" ("tenant id" integer NOT NULL, "select" bigint NOT NULL, "ünï" text, qty integer CHECK (qty >= 0), ` +
        `at timestamp(3), price numeric(8,-2), doubled integer GENERATED ALWAYS AS (qty * 2) STORED, PRIMARY KEY ("tenant id", "select"))`,
      'CREATE TABLE nokey (a integer NOT NULL, b text)',
      'CREATE UNIQUE INDEX nokey_a ON nokey (a)',
      'CREATE TABLE ident (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)',
    ];
  }
  return [
    `CREATE TABLE \`${TABLE.replaceAll('`', '``')}\` (\`tenant id\` int NOT NULL, \`select\` bigint NOT NULL, \`ünï\` text, qty int CHECK (qty >= 0), ` +
      'at datetime(3), price decimal(8,2), doubled int AS (qty * 2) STORED, bin binary(4), PRIMARY KEY (`tenant id`, `select`))',
    'CREATE TABLE nokey (a int NOT NULL, b text, UNIQUE KEY nokey_a (a))',
    'CREATE TABLE ident (id bigint AUTO_INCREMENT PRIMARY KEY, v text)',
  ];
}

describe.each<EngineName>(['postgres', 'mysql'])('TargetWriter (%s)', (engine) => {
  const db = new Endpoint(engine, `it_w_${engine}_${Math.floor(Math.random() * 1e9).toString(36)}`);
  let writer: TargetWriter;
  let table: TargetTable;
  const q = (name: string) => (engine === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``);
  const schema = engine === 'postgres' ? 'public' : db.database;
  const rows = async () => (await db.query(`SELECT ${q('tenant id')} AS t, ${q('select')} AS s, ${q('ünï')} AS u, qty FROM ${q(TABLE)} ORDER BY 1, 2`)).map((r) => `${r.t}/${r.s}/${r.u}/${r.qty}`);
  const param = (name: string, value: Value, type?: LogicalType): Param => {
    const column = table.columns.get(name)!;
    const coerce = coercionFor(type ?? column.type!, column);
    if ('incompatible' in coerce) throw new Error(coerce.incompatible);
    return writer.param(column, coerce(value));
  };
  const cols = (...names: string[]) => names.map((n) => table.columns.get(n)!);

  beforeAll(async () => {
    await db.create(ddl(engine));
    const connection = { url: db.url };
    writer = engine === 'postgres' ? new PgTargetWriter({ connection, progressSchema: 'public', linkFrom: 'writer_test' }) : new MysqlTargetWriter({ connection, progressSchema: undefined });
    await writer.connect();
    table = (await writer.describeTable({ schema, table: TABLE }))!;
  });
  afterAll(async () => {
    await writer?.close();
    await db.drop();
  });

  it('describes tables: key, unique keys, generated columns, the facts exactness depends on', async () => {
    expect(table.primaryKey).toEqual(['tenant id', 'select']);
    expect(table.columns.get('doubled')!.generated).toBe(true);
    expect(table.columns.get('at')!.fractionDigits).toBe(3);
    expect(table.columns.get('price')!.numericScale).toBe(engine === 'postgres' ? -2 : 2);
    expect(table.columns.get('ünï')!.type).toEqual({ kind: 'string' });
    const nokey = (await writer.describeTable({ schema, table: 'nokey' }))!;
    expect(nokey.primaryKey).toEqual([]);
    expect(nokey.uniqueKeys).toEqual([['a']]);
    expect((await writer.describeTable({ schema, table: 'ident' }))!.identityAlways).toBe(engine === 'postgres');
    expect(await writer.describeTable({ schema, table: 'missing' })).toBeUndefined();
  });

  it('upserts, deletes and moves rows in multi-row statements', async () => {
    const many = Array.from({ length: 700 }, (_, i) => [param('tenant id', i % 3), param('select', BigInt(i)), param('ünï', `v${i} ‘😀’`), param('qty', i)]);
    await writer.begin({ origin: 'writer_test' });
    await writer.upsert(table, cols('tenant id', 'select', 'ünï', 'qty'), ['tenant id', 'select'], many);
    await writer.upsert(table, cols('tenant id', 'select', 'qty'), ['tenant id', 'select'], [[param('tenant id', 0), param('select', 0n), param('qty', 99)]]);
    await writer.delete(table, cols('tenant id', 'select'), Array.from({ length: 690 }, (_, i) => [param('tenant id', (i + 10) % 3), param('select', BigInt(i + 10))]));
    await writer.rekey(table, cols('select', 'qty'), [param('select', 1000n), param('qty', 5)], cols('tenant id', 'select'), [param('tenant id', 1), param('select', 1n)]);
    await writer.commit();
    expect(await rows()).toEqual([
      '0/0/v0 ‘😀’/99',
      '0/3/v3 ‘😀’/3',
      '0/6/v6 ‘😀’/6',
      '0/9/v9 ‘😀’/9',
      '1/4/v4 ‘😀’/4',
      '1/7/v7 ‘😀’/7',
      '1/1000/v1 ‘😀’/5',
      '2/2/v2 ‘😀’/2',
      '2/5/v5 ‘😀’/5',
      '2/8/v8 ‘😀’/8',
    ]);
  });

  it('truncates and rolls back within a transaction; savepoints undo one change', async () => {
    await writer.begin({ origin: 'writer_test' });
    await writer.truncate([table]);
    await writer.rollback();
    expect((await rows()).length).toBe(10);

    await writer.begin({ origin: 'writer_test' });
    await writer.savepoint();
    await writer.upsert(table, cols('tenant id', 'select', 'qty'), ['tenant id', 'select'], [[param('tenant id', 5), param('select', 5n), param('qty', 1)]]);
    await writer.releaseSavepoint();
    await writer.savepoint();
    const refused = await writer.upsert(table, cols('tenant id', 'select', 'qty'), ['tenant id', 'select'], [[param('tenant id', 6), param('select', 6n), param('qty', -1)]]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(writer.isDatabaseError(refused)).toBe(true);
    expect(writer.isTransient(refused)).toBe(false);
    expect(writer.describeError(refused)).toMatch(engine === 'postgres' ? /PostgreSQL 23514/ : /MySQL 4025/);
    await writer.rollbackToSavepoint();
    await writer.releaseSavepoint();
    await writer.commit();
    expect(await rows()).toContain('5/5/null/1');
    expect((await rows()).some((r) => r.startsWith('6/'))).toBe(false);
  });

  it('keeps progress in tandem_progress, moved only from the offset it holds', async () => {
    await writer.ensureProgressTable();
    await writer.ensureProgressTable();
    const stored = await writer.initProgress('link.a.b', 'topic.x', [0, 1], (p) => BigInt(p * 10));
    expect(stored).toEqual(new Map([[0, 0n], [1, 10n]]));
    expect(await writer.initProgress('link.a.b', 'topic.x', [1], () => 99n)).toEqual(new Map([[1, 10n]]));
    const key = { consumerId: 'link.a.b', topic: 'topic.x', partition: 1 };
    await writer.begin({ origin: 'writer_test' });
    expect(await writer.lockProgress(key)).toBe(10n);
    expect(await writer.saveProgress(key, 10n, 25n)).toBe(true);
    expect(await writer.saveProgress(key, 10n, 30n)).toBe(false);
    await writer.commit();
    expect(await writer.initProgress('link.a.b', 'topic.x', [0, 1], () => 0n)).toEqual(new Map([[0, 0n], [1, 25n]]));
    await writer.begin({ origin: 'writer_test' });
    expect(await writer.lockProgress({ ...key, partition: 7 })).toBeUndefined();
    await writer.rollback();
  });

  it('writes identity columns and exact values the column keeps', async () => {
    const ident = (await writer.describeTable({ schema, table: 'ident' }))!;
    await writer.begin({ origin: 'writer_test' });
    await writer.upsert(ident, [ident.columns.get('id')!, ident.columns.get('v')!], ['id'], [[writer.param(ident.columns.get('id')!, 0n), writer.param(ident.columns.get('v')!, 'zero')]]);
    await writer.commit();
    expect((await db.query('SELECT id, v FROM ident')).map((r) => `${r.id}:${r.v}`)).toEqual(['0:zero']);
    expect(() => param('at', 1_000_500n, { kind: 'timestamp' })).toThrow(/more than the column's 3 digits/);
    expect(() => param('price', engine === 'postgres' ? '150' : '1.005', { kind: 'decimal' })).toThrow(/fraction digits/);
  });
});
