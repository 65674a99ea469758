import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../../src/model/logical-type.js';
import { PgReaderFixture, type DecodedRecord } from './helpers/reader-fixture.js';
import { typeSampleColumns, type Column } from './helpers/pg-type-samples.js';

/*
 * Every supported PostgreSQL type, with its edge values, through the whole capture path: WAL →
 * pgoutput → the reader → Avro → Kafka (committed) → decoded from Kafka alone. Values must come back
 * exactly as the in-memory model says, bigints as bigints, NaN as NaN, -0 as -0.
 */
describe('PostgreSQL reader: every type round-trips exactly through Avro and Kafka', () => {
  const fixture = new PgReaderFixture();
  let columns: Column[] = [];
  let records: DecodedRecord[] = [];
  let rowCount = 0;

  beforeAll(async () => {
    const names = { schema: fixture.schema, mood: 'mood', code: 'code', darr: 'darr' };
    const probe = await import('pg');
    const client = new probe.default.Client({ connectionString: fixture.pgUrl });
    await client.connect();
    const serverVersion = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num);
    await client.end();
    columns = typeSampleColumns(serverVersion, names);
    rowCount = Math.max(...columns.map((c) => c.samples.length));
    await fixture.setup(
      ['samples'],
      `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
       CREATE DOMAIN code AS varchar(8) CHECK (VALUE <> '');
       CREATE DOMAIN darr AS int8[];
       CREATE TABLE samples (id int PRIMARY KEY, ${columns.map((c) => `${c.name} ${c.sql}`).join(', ')});
       ALTER TABLE samples REPLICA IDENTITY FULL;`,
    );
    const reader = await fixture.startReader();
    for (let row = 0; row <= rowCount; row++) {
      const values = columns.map((c) => c.samples[row]?.[0] ?? 'NULL');
      await fixture.sql.query(`INSERT INTO samples VALUES (${row}, ${values.join(', ')})`);
    }
    await fixture.sql.query('DELETE FROM samples WHERE id = 0');
    records = await fixture.waitForEvents(rowCount + 2);
    await reader.stop();
  });

  afterAll(async () => {
    await fixture.cleanup();
  });

  const expected = (column: Column, row: number): Value | null => column.samples[row]?.[1] ?? null;

  it('decodes every column of every inserted row to exactly the expected value', () => {
    const inserts = records.filter((r) => r.event.op === 'c');
    expect(inserts).toHaveLength(rowCount + 1);
    const mismatches: string[] = [];
    for (const { event } of inserts) {
      const row = Number(event.after!.id);
      for (const column of columns) {
        const got = event.after![column.name];
        const want = expected(column, row);
        try {
          expect(got).toStrictEqual(want);
          if (typeof want === 'number' && Object.is(want, -0)) expect(Object.is(got, -0)).toBe(true);
        } catch {
          mismatches.push(`row ${row} ${column.name} (${column.sql}): got ${String(got)}, want ${String(want)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('carries each column’s logical type and source type in the schema', () => {
    const table = records[0]!.event.table;
    for (const column of columns) {
      const def = table.columns.find((c) => c.name === column.name);
      expect(def, column.name).toBeDefined();
      expect(def!.sourceType).toBe(column.sourceType);
      const want = column.type.kind === 'enum' ? { kind: 'enum', typeName: column.type.typeName } : column.type;
      if (column.type.kind !== 'array' || column.type.element.kind !== 'enum') expect(def!.type).toEqual(want);
    }
  });

  it('gives the full old row of a delete with REPLICA IDENTITY FULL, values exact', () => {
    const del = records.find((r) => r.event.op === 'd')!.event;
    for (const column of columns) expect(del.before![column.name]).toStrictEqual(expected(column, 0));
  });
});
