import { describe, expect, it, vi } from 'vitest';
import { ErrorCodes, isTandemError, type ErrorCode } from '../../../src/errors.js';
import {
  ChangeEventDecoder,
  decodeWith,
  encodeChangeEvent,
  parseSingleObjectHeader,
  WriterSchemaCache,
  writerSchemaFromJson,
  type WriterSchema,
} from '../../../src/avro/index.js';
import type { ChangeEvent, SourceBlock } from '../../../src/model/change-event.js';
import type { TableSchema } from '../../../src/model/table.js';

const ordersV1: TableSchema = {
  node: 'pg-a',
  engine: 'postgres',
  database: 'shop',
  schema: 'public',
  table: 'orders',
  key: ['tenant', 'id'],
  columns: [
    { name: 'tenant', type: { kind: 'int32' }, sourceType: 'integer', notNull: true },
    { name: 'id', type: { kind: 'int64' }, sourceType: 'bigint', notNull: true },
    { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 2 }, sourceType: 'numeric(12,2)', notNull: false },
    { name: 'payload', type: { kind: 'json', binary: true }, sourceType: 'jsonb', notNull: false },
  ],
};

const ordersV2: TableSchema = {
  ...ordersV1,
  columns: [...ordersV1.columns, { name: 'note', type: { kind: 'string' }, sourceType: 'text', notNull: false }],
};

const pgSource: SourceBlock = {
  node: 'pg-a',
  engine: 'postgres',
  database: 'shop',
  schema: 'public',
  table: 'orders',
  lsn: '16/B374D848',
  txId: '771234',
  commitTimestampMicros: 1_767_225_600_124_001n,
  commitTimestampPrecision: 'micros',
  gtid: null,
  binlogFile: null,
  binlogPosition: null,
  serverId: null,
};

function event(overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    op: 'c',
    table: ordersV1,
    before: null,
    after: { tenant: 7, id: 1n, amount: '10.00', payload: '{"a":1}' },
    unchangedColumns: [],
    source: pgSource,
    origin: 'pg-a',
    transaction: { id: '771234:16/B374D848', sequence: 0 },
    ...overrides,
  };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function caughtAsync(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function expectCode(error: unknown, code: ErrorCode): void {
  expect(isTandemError(error, code), String(error)).toBe(true);
}

describe('change event envelope', () => {
  const cache = new WriterSchemaCache();
  const writer = cache.writerFor(ordersV1);

  it('round-trips an insert with every envelope field', () => {
    const original = event();
    const decoded = decodeWith(writer, encodeChangeEvent(original, writer));
    expect(decoded).toEqual({ ...original, writerFingerprintHex: writer.fingerprintHex });
    expect(decoded.table).toEqual(ordersV1);
  });

  it('keeps a key-only before image key-only and drops unchanged TOAST columns from after', () => {
    const original = event({
      op: 'u',
      before: { tenant: 7, id: 1n },
      after: { tenant: 7, id: 1n, amount: null },
      unchangedColumns: ['payload'],
    });
    const decoded = decodeWith(writer, encodeChangeEvent(original, writer));
    expect(decoded.before).toEqual({ tenant: 7, id: 1n });
    expect(Object.keys(decoded.before ?? {})).toEqual(['tenant', 'id']);
    expect(decoded.after).toEqual({ tenant: 7, id: 1n, amount: null });
    expect('payload' in (decoded.after ?? {})).toBe(false);
    expect(decoded.unchangedColumns).toEqual(['payload']);
  });

  it('keeps a full before image (REPLICA IDENTITY FULL) with its nulls', () => {
    const original = event({ op: 'd', before: { tenant: 7, id: 1n, amount: null, payload: null }, after: null });
    const decoded = decodeWith(writer, encodeChangeEvent(original, writer));
    expect(decoded.before).toEqual({ tenant: 7, id: 1n, amount: null, payload: null });
    expect(decoded.after).toBeNull();
  });

  it('round-trips truncates and MySQL source blocks with longs beyond 2^53', () => {
    const mysqlTable: TableSchema = { ...ordersV1, node: 'my-b', engine: 'mysql', database: 'shop', schema: 'shop' };
    const mysqlWriter = cache.writerFor(mysqlTable);
    const original = event({
      op: 't',
      table: mysqlTable,
      before: null,
      after: null,
      source: {
        ...pgSource,
        node: 'my-b',
        engine: 'mysql',
        schema: 'shop',
        lsn: null,
        txId: '3E11FA47-71CA-11E1-9E33-C80AA9429562:23',
        commitTimestampPrecision: 'seconds',
        gtid: '3E11FA47-71CA-11E1-9E33-C80AA9429562:23',
        binlogFile: 'binlog.000042',
        binlogPosition: 9_007_199_254_740_993n,
        serverId: 4_294_967_295n,
      },
      origin: 'pg-a',
      transaction: { id: '3E11FA47-71CA-11E1-9E33-C80AA9429562:23', sequence: 2_147_483_648 },
    });
    const decoded = decodeWith(mysqlWriter, encodeChangeEvent(original, mysqlWriter));
    expect(decoded).toEqual({ ...original, writerFingerprintHex: mysqlWriter.fingerprintHex });
    expect(decoded.source.binlogPosition).toBe(9_007_199_254_740_993n);
  });

  it('writes the Avro single-object header: c3 01 then the fingerprint little-endian', () => {
    const buf = encodeChangeEvent(event(), writer);
    expect(buf.subarray(0, 2).toString('hex')).toBe('c301');
    expect(buf.readBigUInt64LE(2)).toBe(writer.fingerprint);
    expect(Buffer.from(buf.subarray(2, 10)).reverse().toString('hex')).toBe(writer.fingerprintHex);
    const header = parseSingleObjectHeader(buf);
    expect(header.fingerprintHex).toBe(writer.fingerprintHex);
    expect(header.body.equals(buf.subarray(10))).toBe(true);
    expect(() => writer.type.fromBuffer(header.body)).not.toThrow();
  });

  it('encodes into fresh buffers (no aliasing between calls) and handles events larger than the scratch buffer', () => {
    const first = encodeChangeEvent(event(), writer);
    const copy = Buffer.from(first);
    const big = encodeChangeEvent(event({ after: { tenant: 7, id: 2n, amount: null, payload: `"${'x'.repeat(300_000)}"` } }), writer);
    expect(first.equals(copy)).toBe(true);
    expect(decodeWith(writer, big).after?.['payload']).toBe(`"${'x'.repeat(300_000)}"`);
  });

  it('rejects a bad magic, a short buffer, a truncated body and a foreign fingerprint with AVRO_DECODE', () => {
    const good = encodeChangeEvent(event(), writer);
    const badMagic = Buffer.from(good);
    badMagic[0] = 0x4f;
    expectCode(caught(() => parseSingleObjectHeader(badMagic)), ErrorCodes.AVRO_DECODE);
    expectCode(caught(() => decodeWith(writer, Buffer.from([0xc3, 0x01, 0]))), ErrorCodes.AVRO_DECODE);
    expectCode(caught(() => decodeWith(writer, Buffer.alloc(0))), ErrorCodes.AVRO_DECODE);
    expectCode(caught(() => decodeWith(writer, good.subarray(0, good.length - 3))), ErrorCodes.AVRO_DECODE);
    expectCode(caught(() => decodeWith(cache.writerFor(ordersV2), good)), ErrorCodes.AVRO_DECODE);
  });
});

describe('writer schemas and fingerprints', () => {
  const cache = new WriterSchemaCache();

  it('caches per table version: equal structure gives the same WriterSchema', () => {
    const a = cache.writerFor(ordersV1);
    expect(cache.writerFor(ordersV1)).toBe(a);
    expect(cache.writerFor(structuredClone(ordersV1))).toBe(a);
    const reordered: TableSchema = {
      ...ordersV1,
      columns: ordersV1.columns.map((c) => (c.type.kind === 'decimal' ? { ...c, type: { scale: 2, precision: 12, kind: 'decimal' } } : c)),
    };
    expect(cache.writerFor(reordered)).toBe(a);
    expect(cache.writers()).toHaveLength(1);
  });

  it('gives every table its own record full names and fingerprint, even with identical columns', () => {
    const variants: TableSchema[] = [
      ordersV1,
      { ...ordersV1, table: 'orders_archive' },
      { ...ordersV1, schema: 'sales' },
      { ...ordersV1, node: 'pg-b' },
      { ...ordersV1, database: 'shop2' },
      { ...ordersV1, table: 'Orders' },
    ];
    const writers = variants.map((t) => cache.writerFor(t));
    expect(new Set(writers.map((w) => w.fingerprintHex)).size).toBe(variants.length);
    expect(new Set(writers.map((w) => w.type.name)).size).toBe(variants.length);
    expect(writers[0]?.type.name).toBe('io.tandem.__pg_2Da.shop.public.orders.ChangeEvent');
  });

  it('changes the fingerprint when only tandem.* attributes change (type detail, sourceType, notNull, key)', () => {
    const base = cache.writerFor(ordersV1);
    const tweak = (f: (t: TableSchema) => TableSchema): WriterSchema => cache.writerFor(f(structuredClone(ordersV1)));
    const variants = [
      tweak((t) => ({ ...t, columns: t.columns.map((c, i) => (i === 0 ? { ...c, type: { kind: 'int16' } } : c)) })),
      tweak((t) => ({ ...t, columns: t.columns.map((c, i) => (i === 0 ? { ...c, sourceType: 'int4' } : c)) })),
      tweak((t) => ({ ...t, columns: t.columns.map((c, i) => (i === 0 ? { ...c, notNull: false } : c)) })),
      tweak((t) => ({ ...t, key: ['id'] })),
      tweak((t) => ({ ...t, engine: 'mysql' })),
      tweak((t) => ({ ...t, columns: t.columns.map((c, i) => (i === 2 ? { ...c, type: { kind: 'decimal', precision: 14, scale: 2 } } : c)) })),
    ];
    for (const variant of variants) {
      expect(variant.canonicalJson).not.toBe(base.canonicalJson);
      expect(variant.fingerprintHex).not.toBe(base.fingerprintHex);
    }
  });

  it('documents every envelope and row field and keeps the column metadata as attributes', () => {
    const writer = cache.writerFor(ordersV1);
    const schema = JSON.parse(writer.schemaJson) as { doc: string; fields: Array<{ name: string; doc?: string; type: unknown }> };
    expect(schema.fields.map((f) => f.name).slice(0, 8)).toEqual([
      'op', 'before', 'after', 'beforeKeyOnly', 'unchangedColumns', 'source', 'origin', 'transaction',
    ]);
    for (const field of schema.fields) expect(field.doc, field.name).toBeTruthy();
    const row = (schema.fields[1]?.type as unknown[])[1] as Record<string, unknown> & { fields: Array<Record<string, unknown>> };
    expect(row['tandem.key']).toEqual(['tenant', 'id']);
    expect(row['tandem.table']).toEqual({ node: 'pg-a', engine: 'postgres', database: 'shop', schema: 'public', table: 'orders' });
    expect(row.fields[2]).toMatchObject({
      name: 'amount',
      default: null,
      'tandem.column': 'amount',
      'tandem.type': { kind: 'decimal', precision: 12, scale: 2 },
      'tandem.sourceType': 'numeric(12,2)',
      'tandem.notNull': false,
    });
    expect((row.fields[2]?.['type'] as unknown[])[0]).toBe('null');
  });

  it('rebuilds the same writer schema from its schemaJson', () => {
    const writer = cache.writerFor(ordersV2);
    const rebuilt = writerSchemaFromJson(writer.schemaJson, new WriterSchemaCache());
    expect(rebuilt.fingerprintHex).toBe(writer.fingerprintHex);
    expect(rebuilt.table).toEqual(ordersV2);
  });
});

describe('ChangeEventDecoder', () => {
  const cache = new WriterSchemaCache();
  const v1 = cache.writerFor(ordersV1);
  const v2 = cache.writerFor(ordersV2);
  const registry = new Map([v1, v2].map((w) => [w.fingerprintHex, w.schemaJson]));

  it('looks each writer schema up once by fingerprint and decodes with it', async () => {
    const lookup = vi.fn((hex: string) => Promise.resolve(registry.get(hex)));
    const decoder = new ChangeEventDecoder(lookup);
    const buf1 = encodeChangeEvent(event(), v1);
    const buf2 = encodeChangeEvent(event({ table: ordersV2, after: { tenant: 1, id: 2n, amount: '1.00', payload: null, note: 'hi' } }), v2);
    const decoded = await Promise.all([decoder.decode(buf1), decoder.decode(buf1), decoder.decode(buf2), decoder.decode(buf1)]);
    expect(decoded[0]?.after).toEqual(event().after);
    expect(decoded[2]?.after).toEqual({ tenant: 1, id: 2n, amount: '1.00', payload: null, note: 'hi' });
    expect(decoded[2]?.table).toEqual(ordersV2);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('fails with a retryable AVRO_DECODE on an unknown fingerprint, and finds the schema once published', async () => {
    const late = new Map<string, string>();
    const decoder = new ChangeEventDecoder((hex) => Promise.resolve(late.get(hex)));
    const buf = encodeChangeEvent(event(), v1);
    const error = await caughtAsync(() => decoder.decode(buf));
    expectCode(error, ErrorCodes.AVRO_DECODE);
    expect((error as { canRetry: boolean }).canRetry).toBe(true);
    late.set(v1.fingerprintHex, v1.schemaJson);
    expect((await decoder.decode(buf)).after).toEqual(event().after);
  });

  it('rejects a schema topic entry that does not rebuild to the fingerprint it is stored under', async () => {
    const decoder = new ChangeEventDecoder(() => Promise.resolve(v2.schemaJson));
    expectCode(await caughtAsync(() => decoder.decode(encodeChangeEvent(event(), v1))), ErrorCodes.AVRO_DECODE);
    const garbage = new ChangeEventDecoder(() => Promise.resolve('{"type":"record"'));
    expectCode(await caughtAsync(() => garbage.decode(encodeChangeEvent(event(), v1))), ErrorCodes.AVRO_DECODE);
  });

  it('rejects a message with a bad magic before any lookup', async () => {
    const lookup = vi.fn(() => Promise.resolve(undefined));
    const decoder = new ChangeEventDecoder(lookup);
    expectCode(await caughtAsync(() => decoder.decode(Buffer.from('{"json":"not avro"}'))), ErrorCodes.AVRO_DECODE);
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('schema evolution', () => {
  const cache = new WriterSchemaCache();
  const v1 = cache.writerFor(ordersV1);
  const v2 = cache.writerFor(ordersV2);

  it('ADD COLUMN makes a new writer schema with a new fingerprint', () => {
    expect(v2.fingerprintHex).not.toBe(v1.fingerprintHex);
    expect(v2.type.name).toBe(v1.type.name);
  });

  it('an event written with the old schema reads with the new one as reader: the new column is null', () => {
    const old = event({ op: 'u', before: { tenant: 7, id: 1n }, after: { tenant: 7, id: 1n, amount: '3.50' }, unchangedColumns: ['payload'] });
    const decoded = decodeWith(v1, encodeChangeEvent(old, v1), v2);
    expect(decoded.table).toEqual(ordersV2);
    expect(decoded.writerFingerprintHex).toBe(v1.fingerprintHex);
    expect(decoded.after).toEqual({ tenant: 7, id: 1n, amount: '3.50', note: null });
    expect(decoded.before).toEqual({ tenant: 7, id: 1n });
    expect(decoded.unchangedColumns).toEqual(['payload']);
  });

  it('a decoder with a reader choice reads old and new events in the newest table version', async () => {
    const registry = new Map([v1, v2].map((w) => [w.fingerprintHex, w.schemaJson]));
    const decoder = new ChangeEventDecoder((hex) => Promise.resolve(registry.get(hex)), { reader: () => v2, cache });
    const old = await decoder.decode(encodeChangeEvent(event(), v1));
    expect(old.after).toEqual({ ...event().after, note: null });
    const current = await decoder.decode(
      encodeChangeEvent(event({ table: ordersV2, after: { tenant: 7, id: 1n, amount: null, payload: null, note: 'n' } }), v2),
    );
    expect(current.after?.['note']).toBe('n');
  });

  it('DROP COLUMN: a new event reads with the old schema as reader, the dropped column ignored', () => {
    const decoded = decodeWith(
      v2,
      encodeChangeEvent(event({ table: ordersV2, after: { tenant: 7, id: 1n, amount: null, payload: null, note: 'gone' } }), v2),
      v1,
    );
    expect(decoded.after).toEqual({ tenant: 7, id: 1n, amount: null, payload: null });
  });

  it('a widened column (int32 -> int64) reads as bigint', () => {
    const widened = cache.writerFor({
      ...ordersV1,
      columns: ordersV1.columns.map((c) => (c.name === 'tenant' ? { ...c, type: { kind: 'int64' }, sourceType: 'bigint' } : c)),
    });
    const decoded = decodeWith(v1, encodeChangeEvent(event(), v1), widened);
    expect(decoded.after?.['tenant']).toBe(7n);
  });

  it('an incompatible change fails with AVRO_SCHEMA', () => {
    const retyped = cache.writerFor({
      ...ordersV1,
      columns: ordersV1.columns.map((c) => (c.name === 'payload' ? { ...c, type: { kind: 'int32' }, sourceType: 'integer' } : c)),
    });
    expectCode(caught(() => decodeWith(v1, encodeChangeEvent(event(), v1), retyped)), ErrorCodes.AVRO_SCHEMA);
  });
});

describe('encodeChangeEvent: the cached envelope tail', () => {
  it('writes exactly the bytes avsc writes for the whole envelope, for shared and changing source blocks', () => {
    const writer = new WriterSchemaCache().writerFor(ordersV1);
    const whole = (e: ChangeEvent, beforeKeyOnly: boolean) =>
      Buffer.concat([
        writer.header,
        writer.type.toBuffer({
          op: e.op,
          before: null,
          after: null,
          beforeKeyOnly,
          unchangedColumns: e.unchangedColumns,
          source: e.source,
          origin: e.origin,
          transaction: { id: e.transaction.id, sequence: BigInt(e.transaction.sequence) },
        }),
      ]);
    // Truncates carry no row images, so the whole envelope is easy to build by hand.
    const sharedSource = { ...pgSource };
    for (const [sequence, origin, txId, source] of [
      [0, 'pg-a', 't1', sharedSource],
      [1, 'pg-a', 't1', sharedSource],
      [127, 'pg-a', 't1', sharedSource],
      [128, 'pg-b', 't1', sharedSource],
      [300_000, 'pg-b', 't2', sharedSource],
      [5, 'pg-a', 't3', { ...pgSource, lsn: null, txId: 'x' }],
    ] as const) {
      const e = event({ op: 't', after: null, source, origin, transaction: { id: txId, sequence } });
      expect(encodeChangeEvent(e, writer).equals(whole(e, false))).toBe(true);
    }
  });
});
