import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isTandemError, type ErrorCode } from '../../../src/errors.js';
import {
  buildWriterSchema,
  ChangeEventDecoder,
  decodeWith,
  encodeChangeEvent,
  ENVELOPE_LAYOUT,
  WriterSchemaCache,
  writerSchemaFromJson,
} from '../../../src/avro/index.js';
import type { ChangeEvent, SourceBlock } from '../../../src/model/change-event.js';
import { eventToJson } from '../../../src/model/event-json.js';
import type { TableSchema } from '../../../src/model/table.js';
import type { ChangeVersion } from '../../../src/twoway/row-version.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// The table and event of fixtures/envelope-without-version.json.
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

const version: ChangeVersion = {
  ts: 1_767_225_600_124_001n,
  rank: 2,
  node: 'pg-a',
  prev: { ts: 1_767_225_599_000_000n, rank: 1 },
};

function event(overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    op: 'u',
    table: ordersV1,
    before: { tenant: 7, id: 1n },
    after: { tenant: 7, id: 1n, amount: '3.50' },
    unchangedColumns: ['payload'],
    source: pgSource,
    origin: 'pg-a',
    transaction: { id: '771234:16/B374D848', sequence: 4 },
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

function expectCode(error: unknown, code: ErrorCode): void {
  expect(isTandemError(error, code), String(error)).toBe(true);
}

interface LegacyFixture {
  fingerprintHex: string;
  messageHex: string;
  schemaJson: string;
}

const legacy = JSON.parse(
  readFileSync(new URL('./fixtures/envelope-without-version.json', import.meta.url), 'utf8'),
) as LegacyFixture;
const legacyMessage = Buffer.from(legacy.messageHex, 'hex');
/** What the fixture's message holds. */
const legacyEvent = event();

describe('the version field of the envelope', () => {
  const writer = new WriterSchemaCache().writerFor(ordersV1);

  it('is the last envelope field before the schema id field: ["null", io.tandem.RowVersion], default null, documented', () => {
    const schema = JSON.parse(writer.schemaJson) as { fields: Array<{ name: string; doc?: string; type: unknown; default?: unknown }> };
    const names = schema.fields.map((f) => f.name);
    expect(names.slice(0, 9)).toEqual([
      'op', 'before', 'after', 'beforeKeyOnly', 'unchangedColumns', 'source', 'origin', 'transaction', 'version',
    ]);
    expect(names[9]).toMatch(/^tandemSchemaId_[0-9a-f]{32}$/);
    expect(names).toHaveLength(10);
    const field = schema.fields[8]!;
    expect(field.default).toBeNull();
    expect(field.doc).toMatch(/two-way/);
    const [nullBranch, record] = field.type as [string, { name: string; doc?: string; fields: Array<{ name: string; type: unknown; doc?: string }> }];
    expect(nullBranch).toBe('null');
    expect(record.name).toBe('io.tandem.RowVersion');
    expect(record.doc).toBeTruthy();
    expect(record.fields.map((f) => [f.name, f.type])).toEqual([
      ['ts', 'long'],
      ['rank', 'int'],
      ['node', 'string'],
      ['prevTs', 'long'],
      ['prevRank', 'int'],
    ]);
    for (const f of record.fields) expect(f.doc, f.name).toBeTruthy();
    expect(writer.canonicalJson).toContain('{"name":"version","type":["null",{"name":"io.tandem.RowVersion","type":"record","fields":[');
    expect(writer.envelopeLayout).toBe(ENVELOPE_LAYOUT);
  });

  it('round-trips an event with a version exactly, for inserts, updates and deletes', () => {
    for (const e of [
      event({ op: 'c', before: null, after: { tenant: 7, id: 1n, amount: null, payload: null }, unchangedColumns: [], version }),
      event({ version }),
      event({ op: 'd', after: null, unchangedColumns: [], version }),
    ]) {
      const decoded = decodeWith(writer, encodeChangeEvent(e, writer));
      expect(decoded).toEqual({ ...e, writerFingerprintHex: writer.fingerprintHex });
      expect(decoded.version).toEqual(version);
      expect(decoded.version).not.toBe(version);
    }
  });

  it('leaves version out of an event written without one (one zero byte on the wire)', () => {
    const without = encodeChangeEvent(event(), writer);
    const decoded = decodeWith(writer, without);
    expect('version' in decoded).toBe(false);
    expect(decoded).toEqual({ ...event(), writerFingerprintHex: writer.fingerprintHex });
    const withVersion = encodeChangeEvent(event({ version }), writer);
    // Same bytes up to the version union index: 0 (null) versus 1 (zig-zag 2) and the record.
    expect(withVersion.subarray(0, without.length - 1).equals(without.subarray(0, without.length - 1))).toBe(true);
    expect(without[without.length - 1]).toBe(0);
    expect(withVersion[without.length - 1]).toBe(2);
  });

  it('round-trips ts, prev.ts and the ranks at the int64 and int32 extremes, and any node name', () => {
    const extremes: ChangeVersion[] = [
      { ts: INT64_MAX, rank: 2_147_483_647, node: 'pg-a', prev: { ts: INT64_MAX - 1n, rank: 2_147_483_647 } },
      { ts: 0n, rank: 0, node: '', prev: { ts: 0n, rank: 0 } },
      { ts: INT64_MIN, rank: -2_147_483_648, node: 'nœud-ü 東京 🚀', prev: { ts: INT64_MIN, rank: -2_147_483_648 } },
      { ts: 2n ** 53n + 1n, rank: 1, node: 'n'.repeat(100_000), prev: { ts: 2n ** 52n - 1n, rank: 3 } },
    ];
    for (const v of extremes) {
      const decoded = decodeWith(writer, encodeChangeEvent(event({ version: v }), writer));
      expect(decoded.version).toEqual(v);
      expect(typeof decoded.version?.ts).toBe('bigint');
      expect(typeof decoded.version?.prev.ts).toBe('bigint');
    }
  });

  it('writes exactly the bytes avsc writes for the whole envelope, version and large sequences included', () => {
    const whole = (e: ChangeEvent) =>
      Buffer.concat([
        writer.header,
        writer.type.toBuffer({
          op: e.op,
          before: null,
          after: null,
          beforeKeyOnly: false,
          unchangedColumns: [],
          source: e.source,
          origin: e.origin,
          transaction: { id: e.transaction.id, sequence: BigInt(e.transaction.sequence) },
          version:
            e.version === undefined
              ? null
              : { ts: e.version.ts, rank: e.version.rank, node: e.version.node, prevTs: e.version.prev.ts, prevRank: e.version.prev.rank },
        }),
      ]);
    const sharedSource = { ...pgSource };
    for (const sequence of [0, 63, 64, 2_147_483_647, 2_147_483_648, 2 ** 52, Number.MAX_SAFE_INTEGER]) {
      for (const v of [undefined, version, { ...version, ts: INT64_MAX, rank: -1 }]) {
        // Deletes without a before image carry no row images, so the whole envelope is easy to build by hand.
        const e = event({ op: 'd', before: null, after: null, unchangedColumns: [], source: sharedSource, transaction: { id: 't1', sequence }, version: v });
        expect(encodeChangeEvent(e, writer).equals(whole(e)), `sequence ${sequence}, version ${String(v?.ts)}`).toBe(true);
      }
    }
  });

  it('rejects a version that does not fit, and a version on a truncate, with VALUE_UNSUPPORTED', () => {
    const bad: unknown[] = [
      { ...version, ts: INT64_MAX + 1n },
      { ...version, prev: { ts: INT64_MIN - 1n, rank: 0 } },
      { ...version, ts: 5 },
      { ...version, rank: 1.5 },
      { ...version, rank: 2 ** 31 },
      { ...version, prev: { ts: 1n, rank: '1' } },
      { ...version, node: 7 },
      { ...version, node: 'a\ud800' },
      { ts: 1n, rank: 1, node: 'pg-a' },
      'v1',
    ];
    for (const v of bad) {
      expectCode(caught(() => encodeChangeEvent(event({ version: v as ChangeVersion }), writer)), ErrorCodes.VALUE_UNSUPPORTED);
    }
    const truncate = event({ op: 't', before: null, after: null, unchangedColumns: [], version });
    expectCode(caught(() => encodeChangeEvent(truncate, writer)), ErrorCodes.VALUE_UNSUPPORTED);
    // The encoder is still usable afterwards.
    expect(decodeWith(writer, encodeChangeEvent(event({ version }), writer)).version).toEqual(version);
  });

  it('keeps a version of an event whose after image is larger than the scratch buffer', () => {
    const big = event({ version, after: { tenant: 7, id: 2n, amount: null, payload: `"${'x'.repeat(200_000)}"` }, unchangedColumns: [] });
    const decoded = decodeWith(writer, encodeChangeEvent(big, writer));
    expect(decoded.version).toEqual(version);
    expect(decoded.after?.['payload']).toBe(`"${'x'.repeat(200_000)}"`);
  });
});

describe('events written with the envelope without version (layout tandem-avro-1)', () => {
  it('still decode through the schema topic: version undefined, fingerprint checked', async () => {
    const decoder = new ChangeEventDecoder((hex) => Promise.resolve(hex === legacy.fingerprintHex ? legacy.schemaJson : undefined));
    const decoded = await decoder.decode(legacyMessage);
    expect(decoded).toEqual({ ...legacyEvent, writerFingerprintHex: legacy.fingerprintHex });
    expect('version' in decoded).toBe(false);
  });

  it('rebuild to the same fingerprint as before, while the current layout has a new one', () => {
    const cache = new WriterSchemaCache();
    const old = writerSchemaFromJson(legacy.schemaJson, cache);
    expect(old.fingerprintHex).toBe(legacy.fingerprintHex);
    expect(old.envelopeLayout).toBe('tandem-avro-1');
    expect(buildWriterSchema(ordersV1, 'tandem-avro-1').fingerprintHex).toBe(legacy.fingerprintHex);
    const current = cache.writerFor(ordersV1);
    expect(current.fingerprintHex).not.toBe(legacy.fingerprintHex);
    expect(current.type.name).toBe(old.type.name);
    expect(writerSchemaFromJson(current.schemaJson, cache)).toBe(current);
    expect(writerSchemaFromJson(legacy.schemaJson, cache)).toBe(old);
  });

  it('do not leave the old shape in a shared cache: writerFor still gives the current layout', async () => {
    const cache = new WriterSchemaCache();
    const decoder = new ChangeEventDecoder(() => Promise.resolve(legacy.schemaJson), { cache });
    const decoded = await decoder.decode(legacyMessage);
    for (const table of [decoded.table, ordersV1, structuredClone(ordersV1)]) {
      const writer = cache.writerFor(table);
      expect(writer.envelopeLayout).toBe(ENVELOPE_LAYOUT);
      expect(writer.fingerprintHex).not.toBe(legacy.fingerprintHex);
      expect(decodeWith(writer, encodeChangeEvent(event({ table, version }), writer)).version).toEqual(version);
    }
    expect(cache.writers().map((w) => w.envelopeLayout).sort()).toEqual(['tandem-avro-1', 'tandem-avro-2']);
  });

  it('read with a current reader schema (also of an evolved table version): the version is the default, null → undefined', () => {
    const cache = new WriterSchemaCache();
    const old = writerSchemaFromJson(legacy.schemaJson, cache);
    const sameTable = decodeWith(old, legacyMessage, cache.writerFor(ordersV1));
    expect(sameTable).toEqual({ ...legacyEvent, writerFingerprintHex: legacy.fingerprintHex });
    expect('version' in sameTable).toBe(false);
    const evolved = decodeWith(old, legacyMessage, cache.writerFor(ordersV2));
    expect(evolved.table).toEqual(ordersV2);
    expect(evolved.after).toEqual({ tenant: 7, id: 1n, amount: '3.50', note: null });
    expect(evolved.version).toBeUndefined();
  });

  it('a current event read with the old layout as reader drops the version', () => {
    const cache = new WriterSchemaCache();
    const old = writerSchemaFromJson(legacy.schemaJson, cache);
    const current = cache.writerFor(ordersV1);
    const decoded = decodeWith(current, encodeChangeEvent(event({ version }), current), old);
    expect(decoded.after).toEqual(legacyEvent.after);
    expect(decoded.version).toBeUndefined();
  });

  it('cannot be written: encoding with an old-layout writer schema fails with AVRO_SCHEMA', () => {
    const old = writerSchemaFromJson(legacy.schemaJson, new WriterSchemaCache());
    expectCode(caught(() => encodeChangeEvent(event(), old)), ErrorCodes.AVRO_SCHEMA);
    expectCode(caught(() => encodeChangeEvent(event({ source: { ...pgSource } }), old)), ErrorCodes.AVRO_SCHEMA);
  });
});

describe('eventToJson (tandem tail)', () => {
  it('renders the version with its times as decimal strings, and leaves it out when absent', () => {
    const json = eventToJson(event({ version: { ts: INT64_MAX, rank: 3, node: 'my-b', prev: { ts: 0n, rank: 0 } } }));
    expect(json['version']).toEqual({ ts: '9223372036854775807', rank: 3, node: 'my-b', prev: { ts: '0', rank: 0 } });
    expect(JSON.parse(JSON.stringify(json))['version']).toEqual(json['version']);
    expect('version' in eventToJson(event())).toBe(false);
  });
});
