import { describe, expect, it } from 'vitest';
import { ErrorCodes, isTandemError, type ErrorCode } from '../../../src/errors.js';
import { encodeChangeEvent, WriterSchemaCache } from '../../../src/avro/index.js';
import { describeValue } from '../../../src/avro/value-description.js';
import type { ChangeEvent, RowImage } from '../../../src/model/change-event.js';
import type { LogicalType } from '../../../src/model/logical-type.js';
import type { TableSchema } from '../../../src/model/table.js';

const cache = new WriterSchemaCache();

function tableWith(type: LogicalType, sourceType = 'the_type'): TableSchema {
  return {
    node: 'node-a',
    engine: 'postgres',
    database: 'db',
    schema: 'sales',
    table: 'line items',
    key: ['id'],
    columns: [
      { name: 'id', type: { kind: 'int64' }, sourceType: 'bigint', notNull: true },
      { name: 'the value', type, sourceType, notNull: false },
      { name: 'other', type: { kind: 'string' }, sourceType: 'text', notNull: false },
    ],
  };
}

function insertOf(table: TableSchema, after: RowImage | null, overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  return {
    op: 'c',
    table,
    before: null,
    after,
    unchangedColumns: [],
    source: {
      node: 'node-a',
      engine: 'postgres',
      database: 'db',
      schema: 'sales',
      table: 'line items',
      lsn: '0/1',
      txId: '1',
      commitTimestampMicros: 0n,
      commitTimestampPrecision: 'micros',
      gtid: null,
      binlogFile: null,
      binlogPosition: null,
      serverId: null,
    },
    origin: 'node-a',
    transaction: { id: '1:0/1', sequence: 0 },
    ...overrides,
  };
}

function errorOf(fn: () => unknown): unknown {
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

const OUT_OF_TYPE: Array<{ type: LogicalType; value: unknown; sourceType?: string }> = [
  { type: { kind: 'boolean' }, value: 'true' },
  { type: { kind: 'int16' }, value: 32768 },
  { type: { kind: 'int16' }, value: -32769 },
  { type: { kind: 'int16' }, value: 1.5 },
  { type: { kind: 'int32' }, value: 2147483648 },
  { type: { kind: 'int32' }, value: 5n },
  { type: { kind: 'int64' }, value: 5 },
  { type: { kind: 'int64' }, value: 2n ** 63n },
  { type: { kind: 'int64' }, value: -(2n ** 63n) - 1n },
  { type: { kind: 'decimal', precision: 5, scale: 2 }, value: '1234.56', sourceType: 'numeric(5,2)' },
  { type: { kind: 'decimal', precision: 5, scale: 2 }, value: '1.234' },
  { type: { kind: 'decimal', precision: 5, scale: 2 }, value: 1.5 },
  { type: { kind: 'decimal', precision: 5, scale: 2 }, value: '1e5' },
  { type: { kind: 'decimal', precision: 5, scale: 2 }, value: '.5' },
  { type: { kind: 'decimal', precision: 5, scale: 2 }, value: 'nan' },
  { type: { kind: 'decimal', precision: 5, scale: -2 }, value: '150' },
  { type: { kind: 'decimal', precision: 5, scale: -2 }, value: '10000000' },
  { type: { kind: 'decimal', precision: 3, scale: 5 }, value: '0.01' },
  { type: { kind: 'decimal' }, value: '1.2.3' },
  { type: { kind: 'float32' }, value: 0.1 },
  { type: { kind: 'float32' }, value: 1e39 },
  { type: { kind: 'float64' }, value: '1.5' },
  { type: { kind: 'string' }, value: 'lone \uD800 surrogate' },
  { type: { kind: 'string' }, value: 5 },
  { type: { kind: 'string', maxLength: 3 }, value: 'abcd' },
  { type: { kind: 'string', maxLength: 3 }, value: '😀😀😀😀' },
  { type: { kind: 'bytes' }, value: 'AAEC' },
  { type: { kind: 'bytes' }, value: new Uint8Array([1]) },
  { type: { kind: 'date' }, value: 1.5 },
  { type: { kind: 'date' }, value: 'tomorrow' },
  { type: { kind: 'date' }, value: 2147483648 },
  { type: { kind: 'date' }, value: 'Infinity' },
  { type: { kind: 'time' }, value: 86_400_000_001n },
  { type: { kind: 'time' }, value: -1n },
  { type: { kind: 'time' }, value: 5 },
  { type: { kind: 'timetz' }, value: { micros: 0n, offsetSeconds: 1.5 } },
  { type: { kind: 'timetz' }, value: { micros: 0, offsetSeconds: 0 } },
  { type: { kind: 'timestamp' }, value: 1_700_000_000_000 },
  { type: { kind: 'timestamptz' }, value: '2024-01-01T00:00:00Z' },
  { type: { kind: 'timestamptz' }, value: 10n ** 40n },
  { type: { kind: 'interval' }, value: { months: 2 ** 31, days: 0, micros: 0n } },
  { type: { kind: 'interval' }, value: { months: 0, days: 0, micros: 2n ** 63n } },
  { type: { kind: 'interval' }, value: { months: 0, days: 0 } },
  { type: { kind: 'uuid' }, value: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' },
  { type: { kind: 'uuid' }, value: 'not-a-uuid' },
  { type: { kind: 'json' }, value: { a: 1 } },
  { type: { kind: 'enum', typeName: 'mood', labels: ['sad', 'ok'] }, value: 'happy' },
  { type: { kind: 'array', element: { kind: 'int16' } }, value: [1, 70000] },
  { type: { kind: 'array', element: { kind: 'int16' } }, value: 1 },
  { type: { kind: 'array', element: { kind: 'int16' } }, value: [1, undefined] },
];

describe('values that do not fit their column type', () => {
  const cases = OUT_OF_TYPE.map((c) => ({ ...c, shown: describeValue(c.value) }));
  it.each(cases)('$type.kind rejects $shown with VALUE_UNSUPPORTED naming table, column and value', ({ type, value, sourceType }) => {
    const table = tableWith(type, sourceType);
    const writer = cache.writerFor(table);
    const error = errorOf(() => encodeChangeEvent(insertOf(table, { id: 1n, 'the value': value as never, other: null }), writer));
    expectCode(error, ErrorCodes.VALUE_UNSUPPORTED);
    const message = (error as Error).message;
    expect(message).toContain('"sales"."line items"');
    expect(message).toContain('"the value"');
    expect(message).toContain('got ');
  });

  it('names the offending array element', () => {
    const table = tableWith({ kind: 'array', element: { kind: 'int16' } });
    const error = errorOf(() => encodeChangeEvent(insertOf(table, { id: 1n, 'the value': [1, 70000], other: null }), cache.writerFor(table)));
    expect((error as Error).message).toContain('element [1]');
  });
});

describe('row images that do not fit the envelope', () => {
  const table = tableWith({ kind: 'int32' });
  const writer = cache.writerFor(table);
  const full: RowImage = { id: 1n, 'the value': 1, other: 'x' };

  it.each<[string, Partial<ChangeEvent>]>([
    ['an unknown column in after', { after: { ...full, ghost: 1 } }],
    ['a column missing from after without being unchanged', { after: { id: 1n, other: null } }],
    ['unchangedColumns naming an unknown column', { after: { id: 1n, other: null }, unchangedColumns: ['ghost'] }],
    ['unchangedColumns naming a present column', { after: full, unchangedColumns: ['other'] }],
    ['unchangedColumns listing a column twice', { after: { id: 1n, 'the value': 1 }, unchangedColumns: ['other', 'other'] }],
    ['a partial before image', { op: 'u', before: { id: 1n, other: 'x' }, after: full }],
    ['a key-only before image lacking the key', { op: 'd', before: { other: 'x' }, after: null }],
    ['an unknown op', { op: 'x' as never }],
    ['an insert with a before image', { before: full }],
    ['an update without an after image', { op: 'u', before: full, after: null }],
    ['a truncate with an after image', { op: 't' }],
    ['an unknown source engine', { source: { ...insertOf(table, full).source, engine: 'oracle' as never } }],
    ['a commit timestamp as a number', { source: { ...insertOf(table, full).source, commitTimestampMicros: 5 as never } }],
    ['a source lsn as a number', { source: { ...insertOf(table, full).source, lsn: 5 as never } }],
    ['an enum value that is an Object.prototype member', { source: { ...insertOf(table, full).source, commitTimestampPrecision: 'toString' as never } }],
    ['an origin with a lone surrogate', { origin: 'node-\uD800' }],
    ['a negative transaction sequence', { transaction: { id: 'x', sequence: -1 } }],
  ])('rejects %s with VALUE_UNSUPPORTED', (_label, overrides) => {
    expectCode(errorOf(() => encodeChangeEvent(insertOf(table, full, overrides), writer)), ErrorCodes.VALUE_UNSUPPORTED);
  });

  it('accepts an update whose unchanged columns are absent from after', () => {
    expect(() =>
      encodeChangeEvent(insertOf(table, { id: 1n, 'the value': 2 }, { op: 'u', before: { id: 1n }, unchangedColumns: ['other'] }), writer),
    ).not.toThrow();
  });

  it('rejects an event whose table version is not the writer’s with AVRO_SCHEMA', () => {
    const other = tableWith({ kind: 'int64' });
    expectCode(errorOf(() => encodeChangeEvent(insertOf(other, { id: 1n, 'the value': 1n, other: null }), writer)), ErrorCodes.AVRO_SCHEMA);
  });
});

describe('invalid table schemas', () => {
  const base = tableWith({ kind: 'int32' });
  it.each<[string, TableSchema]>([
    ['a duplicate column', { ...base, columns: [...base.columns, base.columns[0] as TableSchema['columns'][number]] }],
    ['a key that is not a column', { ...base, key: ['nope'] }],
    ['a key listed twice', { ...base, key: ['id', 'id'] }],
    ['a decimal scale without precision', tableWith({ kind: 'decimal', scale: 2 } as LogicalType)],
    ['an unknown kind', tableWith({ kind: 'money' } as unknown as LogicalType)],
    ['an unknown LogicalType property', tableWith({ kind: 'int32', width: 4 } as unknown as LogicalType)],
    ['an unknown engine', { ...base, engine: 'oracle' as never }],
    ['a column name with a lone surrogate', { ...base, columns: [{ ...(base.columns[0] as TableSchema['columns'][number]), name: '\uDC00' }], key: [] }],
  ])('rejects %s with AVRO_SCHEMA', (_label, table) => {
    expectCode(errorOf(() => cache.writerFor(table)), ErrorCodes.AVRO_SCHEMA);
  });
});
