import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeWith, encodeChangeEvent, WriterSchemaCache } from '../../../src/avro/index.js';
import { INT64_MAX, INT64_MIN } from '../../../src/avro/bigint-long.js';
import type { ChangeEvent, RowImage } from '../../../src/model/change-event.js';
import type { LogicalType, Value } from '../../../src/model/logical-type.js';
import type { ColumnDef, TableSchema } from '../../../src/model/table.js';

const cache = new WriterSchemaCache();

function tableWith(columns: Array<{ name: string; type: LogicalType }>): TableSchema {
  return {
    node: 'node-a',
    engine: 'postgres',
    database: 'db',
    schema: 'public',
    table: 'values',
    key: ['id'],
    columns: [
      { name: 'id', type: { kind: 'int64' }, sourceType: 'bigint', notNull: true },
      ...columns.map((c): ColumnDef => ({ name: c.name, type: c.type, sourceType: JSON.stringify(c.type), notNull: false })),
    ],
  };
}

function insertOf(table: TableSchema, after: RowImage): ChangeEvent {
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
      schema: 'public',
      table: 'values',
      lsn: '0/16B3748',
      txId: '731',
      commitTimestampMicros: 1_700_000_000_000_000n,
      commitTimestampPrecision: 'micros',
      gtid: null,
      binlogFile: null,
      binlogPosition: null,
      serverId: null,
    },
    origin: 'node-a',
    transaction: { id: '731:0/16B3748', sequence: 0 },
  };
}

function roundTrip(table: TableSchema, after: RowImage): RowImage | null {
  const writer = cache.writerFor(table);
  return decodeWith(writer, encodeChangeEvent(insertOf(table, after), writer)).after;
}

/** Deep equality that also tells bigint from number, -0 from 0, and Buffer from anything else. */
function expectExactly(actual: unknown, expected: unknown, path = 'value'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Object.is(actual, expected), `${path}: ${String(actual)} is not ${Object.is(expected, -0) ? '-0' : String(expected)}`).toBe(true);
  } else if (Buffer.isBuffer(expected)) {
    expect(Buffer.isBuffer(actual), path).toBe(true);
    expect((actual as Buffer).equals(expected), path).toBe(true);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((item, i) => expectExactly((actual as unknown[])[i], item, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, path).toBe(true);
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, inner] of Object.entries(expected)) expectExactly((actual as Record<string, unknown>)[key], inner, `${path}.${key}`);
  } else {
    expect(typeof actual, path).toBe(typeof expected);
    expect(actual, path).toBe(expected);
  }
}

const PG_MAX_TIMESTAMP = 9_224_318_015_999_999_999n; // 294276-12-31 23:59:59.999999, beyond int64
const PG_MIN_TIMESTAMP = -210_866_803_200_000_000n; // 4714-11-24 BC 00:00:00
const HUGE = '123456789012345678901234567890.123456789012345678901234567890';

const CASES: Array<{ name: string; type: LogicalType; values: Value[] }> = [
  { name: 'boolean', type: { kind: 'boolean' }, values: [true, false] },
  { name: 'int16', type: { kind: 'int16' }, values: [-32768, 32767, 0, -1] },
  { name: 'int32', type: { kind: 'int32' }, values: [-2147483648, 2147483647, 0, 1] },
  { name: 'int64', type: { kind: 'int64' }, values: [INT64_MIN, INT64_MAX, 0n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n] },
  {
    name: 'decimal(5,2)',
    type: { kind: 'decimal', precision: 5, scale: 2 },
    values: ['1.50', '0.00', '-999.99', '999.99', '0.01', '-0.01', '100.00', 'NaN', 'Infinity', '-Infinity'],
  },
  {
    name: 'decimal(38,0)',
    type: { kind: 'decimal', precision: 38, scale: 0 },
    values: ['99999999999999999999999999999999999999', '-99999999999999999999999999999999999999', '0', '-1'],
  },
  { name: 'decimal(60,30)', type: { kind: 'decimal', precision: 60, scale: 30 }, values: [HUGE, `-${HUGE}`] },
  { name: 'decimal(1000,1000)', type: { kind: 'decimal', precision: 1000, scale: 1000 }, values: [`0.${'9'.repeat(1000)}`] },
  { name: 'decimal(5,-2)', type: { kind: 'decimal', precision: 5, scale: -2 }, values: ['9999900', '-100', '0', '123400'] },
  { name: 'decimal(3,5)', type: { kind: 'decimal', precision: 3, scale: 5 }, values: ['0.00123', '-0.00999', '0.00000'] },
  { name: 'decimal(10)', type: { kind: 'decimal', precision: 10 }, values: ['1234567890', '-1'] },
  {
    name: 'numeric (unconstrained)',
    type: { kind: 'decimal' },
    values: [HUGE, `-${HUGE}`, '-0.000001', '0', '0.000', '1.500', '100', 'NaN', 'Infinity', '-Infinity', `0.${'0'.repeat(999)}1`, `9${'0'.repeat(1000)}`],
  },
  {
    name: 'float32',
    type: { kind: 'float32' },
    values: [2 ** -149, 3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, -0, 0, NaN, Infinity, -Infinity, Math.fround(0.1)],
  },
  {
    name: 'float64',
    type: { kind: 'float64' },
    values: [NaN, Infinity, -Infinity, -0, 0, 5e-324, -5e-324, Number.MAX_VALUE, 0.1, 2 ** 53 + 2],
  },
  {
    name: 'string',
    type: { kind: 'string' },
    values: ['', 'plain', '😀 emoji 👩‍👩‍👧 and ñ', 'nul\u0000inside', '\u0000', `${'x'.repeat(100)}😀é`, '\uFFFF\u{10FFFF}'],
  },
  { name: 'varchar(3)', type: { kind: 'string', maxLength: 3 }, values: ['abc', '😀😀😀', ''] },
  { name: 'char(3)', type: { kind: 'string', maxLength: 3, fixed: true }, values: ['ab ', '   '] },
  { name: 'bytes', type: { kind: 'bytes' }, values: [Buffer.alloc(0), Buffer.from([0, 255, 1, 0x80]), randomBytes(1000)] },
  {
    name: 'date',
    type: { kind: 'date' },
    values: [0, -1, 1, -2440588, 2147483494, -2147483648, 2147483647, 'infinity', '-infinity'],
  },
  { name: 'time', type: { kind: 'time' }, values: [0n, 86_400_000_000n, 43_200_000_001n] },
  {
    name: 'timetz',
    type: { kind: 'timetz' },
    values: [
      { micros: 0n, offsetSeconds: 0 },
      { micros: 86_400_000_000n, offsetSeconds: -57599 },
      { micros: 45_296_789_012n, offsetSeconds: 50400 },
      { micros: 1n, offsetSeconds: -12600 },
    ],
  },
  {
    name: 'timestamp',
    type: { kind: 'timestamp' },
    values: [0n, -1n, -62_135_596_800_000_000n, PG_MIN_TIMESTAMP, PG_MAX_TIMESTAMP, INT64_MAX, INT64_MIN, INT64_MAX + 1n, INT64_MIN - 1n, 'infinity', '-infinity'],
  },
  {
    name: 'timestamptz',
    type: { kind: 'timestamptz' },
    values: [1_767_225_600_123_456n, -1n, PG_MIN_TIMESTAMP, PG_MAX_TIMESTAMP, -PG_MAX_TIMESTAMP, 'infinity', '-infinity'],
  },
  {
    name: 'interval',
    type: { kind: 'interval' },
    values: [
      { months: 0, days: 0, micros: 0n },
      { months: -14, days: -3, micros: -4_000_000n },
      { months: 2147483647, days: -2147483648, micros: INT64_MIN },
      { months: -2147483648, days: 2147483647, micros: INT64_MAX },
    ],
  },
  { name: 'uuid', type: { kind: 'uuid' }, values: ['00000000-0000-0000-0000-000000000000', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'] },
  { name: 'json', type: { kind: 'json' }, values: ['{"a": 1,  "b":[true,null]}', '[]', '"😀"', 'null', '  {"k":"\\u0000"}  '] },
  { name: 'jsonb', type: { kind: 'json', binary: true }, values: ['{"a": 1}'] },
  { name: 'enum', type: { kind: 'enum', typeName: 'mood', labels: ['sad', 'ok', 'happy'] }, values: ['sad', 'happy'] },
  { name: 'enum without labels', type: { kind: 'enum', typeName: 'mood' }, values: ['anything at all', ''] },
  { name: 'int32[]', type: { kind: 'array', element: { kind: 'int32' } }, values: [[], [1, null, 3], [null], [-2147483648]] },
  {
    name: 'numeric(5,2)[]',
    type: { kind: 'array', element: { kind: 'decimal', precision: 5, scale: 2 } },
    values: [['1.50', null, 'NaN', '-0.01', 'Infinity'], []],
  },
  { name: 'numeric[]', type: { kind: 'array', element: { kind: 'decimal' } }, values: [['1.500', '-Infinity', null, HUGE]] },
  { name: 'date[]', type: { kind: 'array', element: { kind: 'date' } }, values: [[0, 'infinity', null, '-infinity', -1]] },
  { name: 'timestamptz[]', type: { kind: 'array', element: { kind: 'timestamptz' } }, values: [[PG_MAX_TIMESTAMP, 'infinity', null, 0n]] },
  { name: 'text[]', type: { kind: 'array', element: { kind: 'string' } }, values: [['a', '', null, '😀']] },
  { name: 'bytea[]', type: { kind: 'array', element: { kind: 'bytes' } }, values: [[Buffer.alloc(0), null, Buffer.from('hi')]] },
  { name: 'uuid[]', type: { kind: 'array', element: { kind: 'uuid' } }, values: [['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null]] },
  {
    name: 'interval[]',
    type: { kind: 'array', element: { kind: 'interval' } },
    values: [[{ months: 1, days: -1, micros: 1n }, null]],
  },
  { name: 'timetz[]', type: { kind: 'array', element: { kind: 'timetz' } }, values: [[{ micros: 5n, offsetSeconds: -3600 }, null]] },
  { name: 'float4[]', type: { kind: 'array', element: { kind: 'float32' } }, values: [[-0, NaN, null, 2 ** -149]] },
  {
    name: 'int4[][] (nested)',
    type: { kind: 'array', element: { kind: 'array', element: { kind: 'int32' } } },
    values: [[[1, 2], null, [], [null]], []],
  },
];

describe('every logical kind round-trips exactly', () => {
  for (const { name, type, values } of CASES) {
    it(`${name}: ${values.length} edge values and null`, () => {
      const table = tableWith([{ name: 'v', type }]);
      for (const value of [...values, null]) {
        const after = roundTrip(table, { id: 1n, v: value });
        expectExactly(after, { id: 1n, v: value }, `${name} ${String(value)}`);
      }
    });
  }

  it('all kinds side by side in one row', () => {
    const columns = CASES.map((c, i) => ({ name: `${c.name} #${i}`, type: c.type }));
    const table = tableWith(columns);
    const after: RowImage = { id: -5n };
    CASES.forEach((c, i) => (after[`${c.name} #${i}`] = c.values[0] as Value));
    expectExactly(roundTrip(table, after), after, 'row');
  });

  it('decimals that are not canonical for their column read back canonical and numerically equal', () => {
    const table = tableWith([
      { name: 'money', type: { kind: 'decimal', precision: 5, scale: 2 } },
      { name: 'free', type: { kind: 'decimal' } },
    ]);
    expect(roundTrip(table, { id: 1n, money: '1.5', free: '007.10' })).toEqual({ id: 1n, money: '1.50', free: '7.10' });
    expect(roundTrip(table, { id: 1n, money: '-0.00', free: '-0.0' })).toEqual({ id: 1n, money: '0.00', free: '0.0' });
    expect(roundTrip(table, { id: 1n, money: '12', free: '12' })).toEqual({ id: 1n, money: '12.00', free: '12' });
  });

  it('int64 values come back as bigint, never as number', () => {
    const after = roundTrip(tableWith([{ name: 'v', type: { kind: 'int64' } }]), { id: 9_007_199_254_740_993n, v: 3n });
    expect(typeof after?.['id']).toBe('bigint');
    expect(after?.['id']).toBe(9_007_199_254_740_993n);
  });

  it('column names that are Object.prototype members or need escaping survive', () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'order id', '1st', 'a__b', 'ключ', '😀', '', '"quoted"'];
    const table = tableWith(names.map((name) => ({ name, type: { kind: 'int32' } })));
    const after: RowImage = { id: 1n };
    names.forEach((name, i) => Object.defineProperty(after, name, { value: i, enumerable: true, writable: true, configurable: true }));
    const decoded = roundTrip(table, after);
    expectExactly(decoded, after, 'row');
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded as object, '__proto__')).toBe(true);
  });
});
