import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isTandemError } from '../../src/errors.js';
import type { LogicalType, Value } from '../../src/model/logical-type.js';
import { checkReplicationSession, EXPECTED_SHOW_VALUES, REPLICATION_SESSION_OPTIONS } from '../../src/postgres/session-settings.js';
import { formatPgText, parsePgText } from '../../src/postgres/text-values.js';
import { PgTypeCatalog } from '../../src/postgres/type-catalog.js';
import { typeSampleColumns, type Column } from './helpers/pg-type-samples.js';

/*
 * Real PostgreSQL: a table with a column of every supported type holds edge values; we read them back
 * (1) over a walsender connection (replication=database) started with REPLICATION_SESSION_OPTIONS, with
 *     plain SELECT, whose text comes from the same output functions in the same kind of session, and
 * (2) through pgoutput itself: a temporary slot streamed over that walsender,
 * and check that both texts agree, that parsePgText yields exactly the expected values, that
 * formatPgText's text reads back through PostgreSQL's input functions to the same values, and that
 * PgTypeCatalog resolves every column.
 */

const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
const suffix = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
const TABLE = `tv_${suffix}`;
const MOOD = `tv_mood_${suffix}`;
const CODE = `tv_code_${suffix}`;
const DARR = `tv_darr_${suffix}`;
const PAIR = `tv_pair_${suffix}`;
const BAD = `tv_bad_${suffix}`;
const PUB = `tv_pub_${suffix}`;
const SLOT = `tv_slot_${suffix}`;

let admin: pg.Client;
let settled: pg.Client; // a normal connection with the replication session settings
let repl: pg.Client; // a walsender connection (replication=database) with the same settings
let cols: Column[] = [];
let rowCount = 0;
let serverVersion = 0;

function pgUrl(): string {
  return inject('stack').pgUrl;
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: pgUrl() });
  await admin.connect();
  serverVersion = Number((await admin.query('SHOW server_version_num')).rows[0].server_version_num);
  cols = typeSampleColumns(serverVersion, { schema: 'public', mood: MOOD, code: CODE, darr: DARR });
  rowCount = Math.max(...cols.map((c) => c.samples.length));
  await admin.query(`CREATE TYPE ${MOOD} AS ENUM ('sad', 'ok', 'happy')`);
  await admin.query(`CREATE DOMAIN ${CODE} AS varchar(8) CHECK (VALUE <> '')`);
  await admin.query(`CREATE DOMAIN ${DARR} AS int8[]`);
  await admin.query(`CREATE TYPE ${PAIR} AS (a int, b text)`);
  await admin.query(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, ${cols.map((c) => `${c.name} ${c.sql}`).join(', ')})`);
  await admin.query(`CREATE TABLE ${BAD} (id int PRIMARY KEY, c_regclass regclass, c_pair ${PAIR}, c_boxes box[], c_acl aclitem)`);
  await admin.query(`CREATE PUBLICATION ${PUB} FOR TABLE ${TABLE}`);
  settled = new pg.Client({ connectionString: pgUrl(), options: REPLICATION_SESSION_OPTIONS, types: RAW_TEXT });
  await settled.connect();
  repl = new pg.Client({ connectionString: pgUrl(), options: REPLICATION_SESSION_OPTIONS, types: RAW_TEXT, replication: 'database' } as pg.ClientConfig);
  await repl.connect();
});

afterAll(async () => {
  await repl?.end().catch(() => undefined);
  await settled?.end().catch(() => undefined);
  if (admin === undefined) return;
  await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`, [SLOT]).catch(() => undefined);
  await admin.query(`DROP PUBLICATION IF EXISTS ${PUB}`);
  await admin.query(`DROP TABLE IF EXISTS ${TABLE}, ${BAD}`);
  await admin.query(`DROP DOMAIN IF EXISTS ${CODE}, ${DARR}`);
  await admin.query(`DROP TYPE IF EXISTS ${MOOD}, ${PAIR}`);
  await admin.end();
});

function rowValues(row: number): string {
  return [String(row), ...cols.map((c) => c.samples[row]?.[0] ?? 'NULL')].join(', ');
}

function expected(col: Column, row: number): Value | null {
  const sample = col.samples[row];
  return sample === undefined ? null : sample[1];
}

/** Streams the slot over the walsender until `count` inserts and their commit arrived; raw text per column. */
async function streamInserts(client: pg.Client, count: number): Promise<Array<Array<string | null>>> {
  const rows: Array<Array<string | null>> = [];
  const connection = (client as unknown as { connection: EventEmitter }).connection;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${rows.length} of ${count} inserts streamed`)), 60_000);
    connection.on('copyData', ({ chunk }: { chunk: Buffer }) => {
      if (chunk[0] !== 0x77) return; // only XLogData ('w'); keepalives ('k') need no answer here
      const msg = chunk.subarray(25);
      if (msg[0] === 0x49 /* I */) rows.push(decodeTuple(msg, 6)); // 'I', relation oid, 'N', tuple
      else if (msg[0] === 0x43 /* C */ && rows.length >= count) resolve();
    });
  });
  const streaming = client
    .query(`START_REPLICATION SLOT ${SLOT} LOGICAL 0/0 (proto_version '1', publication_names '${PUB}')`)
    .catch(() => undefined);
  try {
    await done;
  } finally {
    clearTimeout(timer);
    await client.end().catch(() => undefined);
    await streaming;
  }
  return rows;
}

function decodeTuple(msg: Buffer, at: number): Array<string | null> {
  const n = msg.readInt16BE(at);
  let p = at + 2;
  const out: Array<string | null> = [];
  for (let i = 0; i < n; i++) {
    const kind = msg[p++];
    if (kind === 0x74 /* t */) {
      const len = msg.readInt32BE(p);
      out.push(msg.toString('utf8', p + 4, p + 4 + len));
      p += 4 + len;
    } else if (kind === 0x6e /* n */) out.push(null);
    else throw new Error(`unexpected tuple column kind ${String(kind)}`);
  }
  return out;
}

describe('PostgreSQL text values against a real server', () => {
  let selectText: Array<Array<string | null>> = [];
  let pgoutputText: Array<Array<string | null>> = [];

  it('applies every replication session setting on a walsender connection', async () => {
    await checkReplicationSession(repl);
    for (const [name, value] of Object.entries(EXPECTED_SHOW_VALUES)) {
      const shown = (await repl.query(`SHOW ${name}`)).rows[0] as Record<string, string>;
      expect(Object.values(shown)[0], name).toBe(value);
    }
    // And a session without them is caught.
    await expect(checkReplicationSession(admin)).rejects.toThrow(/IntervalStyle/);
  });

  it('reads the same text through SELECT on the walsender and through pgoutput', async () => {
    await repl.query(`CREATE_REPLICATION_SLOT ${SLOT} TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT`);
    const rows = Array.from({ length: rowCount }, (_, i) => `(${rowValues(i)})`);
    await admin.query(`INSERT INTO ${TABLE} VALUES ${rows.join(', ')}`);
    const names = cols.map((c) => c.name).join(', ');
    const selected = await repl.query({ text: `SELECT id, ${names} FROM ${TABLE} ORDER BY id`, rowMode: 'array' });
    selectText = (selected.rows as Array<Array<string | null>>).map((r) => r.slice(1));
    pgoutputText = (await streamInserts(repl, rowCount)).map((r) => r.slice(1));
    expect(pgoutputText).toHaveLength(rowCount);
    expect(pgoutputText).toEqual(selectText);
    // The walsender's pgoutput text follows our options, not the server defaults (IntervalStyle=postgres).
    const at = (name: string): number => cols.findIndex((c) => c.name === name);
    expect(pgoutputText[0]![at('c_iv')]).toBe('P-10M-3DT4H5M6.789S');
    expect(pgoutputText[0]![at('c_tstz')]).toBe('2024-02-29 12:34:56.123456+00');
    expect(pgoutputText[0]![at('c_money')]).toBe('-$92,233,720,368,547,758.08');
  });

  it('parses every value to exactly the expected in-memory value', () => {
    expect(pgoutputText).toHaveLength(rowCount);
    for (let row = 0; row < rowCount; row++) {
      cols.forEach((col, i) => {
        const text = pgoutputText[row]![i]!;
        const want = expected(col, row);
        if (want === null) {
          expect(text, `${col.name} row ${row}`).toBeNull();
          return;
        }
        expect(text, `${col.name} row ${row}`).not.toBeNull();
        expect(parsePgText(col.type, text!), `${col.name} row ${row}: ${text}`).toEqual(want);
      });
    }
  });

  it('formats text that PostgreSQL input functions read back to the same values', async () => {
    for (let row = 0; row < rowCount; row++) {
      const present = cols.filter((c) => c.samples[row] !== undefined);
      const params = present.map((c) => formatPgText(c.type, c.samples[row]![1]));
      const sql = `SELECT ${present.map((c, i) => `$${i + 1}::${c.sourceType} AS ${c.name}`).join(', ')}`;
      const back = (await settled.query({ text: sql, values: params, rowMode: 'array' })).rows[0] as string[];
      present.forEach((col, i) => {
        expect(parsePgText(col.type, back[i]!), `${col.name} row ${row}: ${params[i]} → ${back[i]}`).toEqual(col.samples[row]![1]);
      });
    }
  });

  it('resolves every column type with PgTypeCatalog', async () => {
    const catalog = new PgTypeCatalog(admin);
    const attrs = await admin.query<{ attname: string; atttypid: number; atttypmod: number }>(
      `SELECT attname, atttypid, atttypmod FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 1 AND NOT attisdropped ORDER BY attnum`,
      [TABLE],
    );
    const resolved = await catalog.resolveMany(attrs.rows.map((a) => ({ typeOid: a.atttypid, typeMod: a.atttypmod, name: a.attname })));
    expect(attrs.rows.map((a) => a.attname)).toEqual(cols.map((c) => c.name));
    cols.forEach((col, i) => {
      expect(resolved[i], col.name).toEqual({ type: col.type, sourceType: col.sourceType });
    });
    // Cached: a second call needs no query and gives the same answers.
    expect(await catalog.resolve(attrs.rows[0]!.atttypid, attrs.rows[0]!.atttypmod)).toEqual(resolved[0]);
  });

  it('refuses types that cannot be carried, naming every column', async () => {
    const catalog = new PgTypeCatalog(admin);
    const attrs = await admin.query<{ attname: string; atttypid: number; atttypmod: number }>(
      `SELECT attname, atttypid, atttypmod FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 1 ORDER BY attnum`,
      [BAD],
    );
    let caught: unknown;
    try {
      await catalog.resolveMany(attrs.rows.map((a) => ({ typeOid: a.atttypid, typeMod: a.atttypmod, name: `${BAD}.${a.attname}` })));
    } catch (e) {
      caught = e;
    }
    expect(isTandemError(caught, 'TANDEM_VALUE_UNSUPPORTED')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toMatch(/c_regclass has type regclass.*OID alias/);
    expect(message).toMatch(new RegExp(`c_pair has type public\\.${PAIR}.*composite`));
    expect(message).toMatch(/c_boxes has type box\[\].*delimiter ";"/);
    expect(message).toMatch(/c_acl has type aclitem.*internal/);
    expect(message).toMatch(/FOR TABLE/);
  });

  it('refuses multi-dimensional arrays and explicit lower bounds with VALUE_UNSUPPORTED', async () => {
    const res = await settled.query({ text: `SELECT '{{1,2},{3,4}}'::int4[], '[0:2]={1,2,3}'::int4[]`, rowMode: 'array' });
    const [multi, bounded] = res.rows[0] as string[];
    const type: LogicalType = { kind: 'array', element: { kind: 'int32' } };
    expect(() => parsePgText(type, multi!)).toThrow(/multi-dimensional/);
    expect(() => parsePgText(type, bounded!)).toThrow(/explicit bounds \[0:2\]/);
    try {
      parsePgText(type, bounded!);
    } catch (e) {
      expect(isTandemError(e, 'TANDEM_VALUE_UNSUPPORTED')).toBe(true);
    }
  });
});
