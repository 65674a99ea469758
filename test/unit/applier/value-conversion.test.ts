import { describe, expect, it } from 'vitest';
import { mysqlParam } from '../../../src/applier/mysql-values.js';
import { pgParam } from '../../../src/applier/pg-values.js';
import type { TargetColumn } from '../../../src/applier/target-table.js';
import { checkDecimal, coercionFor, ValueProblem } from '../../../src/applier/value-coercion.js';
import type { LogicalType, Value } from '../../../src/model/logical-type.js';

function column(type: LogicalType, extra: Partial<TargetColumn> = {}): TargetColumn {
  return { name: 'c', type, sqlType: extra.sqlType ?? String(type?.kind), castType: '', notNull: false, generated: false, ...extra };
}

function convert(source: LogicalType, target: TargetColumn, value: Value): Value {
  const c = coercionFor(source, target);
  if ('incompatible' in c) throw new Error(`incompatible: ${c.incompatible}`);
  return c(value);
}

function refused(source: LogicalType, target: TargetColumn, value: Value): string {
  try {
    convert(source, target, value);
  } catch (e) {
    if (e instanceof ValueProblem) return e.message;
    throw e;
  }
  throw new Error('expected a ValueProblem');
}

const DAY = 86_400_000_000n;

describe('value coercion across types (exact or refused)', () => {
  it('integers: widen freely, narrow with range checks, to and from booleans and decimals', () => {
    expect(convert({ kind: 'int16' }, column({ kind: 'int64' }), 7)).toBe(7n);
    expect(convert({ kind: 'int64' }, column({ kind: 'int32' }), -5n)).toBe(-5);
    expect(refused({ kind: 'int64' }, column({ kind: 'int32' }), 2n ** 40n)).toMatch(/out of range/);
    expect(convert({ kind: 'boolean' }, column({ kind: 'int16' }), true)).toBe(1);
    expect(convert({ kind: 'int16' }, column({ kind: 'boolean' }), 0)).toBe(false);
    expect(refused({ kind: 'int16' }, column({ kind: 'boolean' }), 2)).toMatch(/not a boolean/);
    expect(convert({ kind: 'decimal', precision: 20, scale: 0 }, column({ kind: 'int64' }), '9223372036854775807')).toBe(9223372036854775807n);
    expect(refused({ kind: 'decimal', precision: 20, scale: 0 }, column({ kind: 'int64' }), '18446744073709551615')).toMatch(/out of range/);
    expect(refused({ kind: 'decimal', precision: 5, scale: 2 }, column({ kind: 'int32' }), '1.50')).toMatch(/not an integer/);
    expect(convert({ kind: 'decimal', precision: 5, scale: 2 }, column({ kind: 'int32' }), '2.00')).toBe(2);
  });

  it('decimals: never rounded, negative scales and precision enforced', () => {
    const d = (precision: number, scale: number) => column({ kind: 'decimal', precision, scale }, { numericPrecision: precision, numericScale: scale });
    expect(convert({ kind: 'decimal' }, d(5, 2), '1.5')).toBe('1.5');
    expect(convert({ kind: 'decimal' }, d(5, 2), '1.2300')).toBe('1.2300');
    expect(refused({ kind: 'decimal' }, d(5, 2), '1.234')).toMatch(/more than 2 fraction digits/);
    expect(refused({ kind: 'decimal' }, d(5, 2), '1000.00')).toMatch(/does not fit decimal\(5,2\)/);
    expect(convert({ kind: 'decimal' }, d(5, 2), '-999.99')).toBe('-999.99');
    expect(() => checkDecimal('12300', 3, -2)).not.toThrow();
    expect(() => checkDecimal('12345', 3, -2)).toThrow(/more than -2 fraction digits/);
    expect(() => checkDecimal('123400', 3, -2)).toThrow(/does not fit/);
    expect(convert({ kind: 'int64' }, d(20, 0), 123n)).toBe('123');
  });

  it('floats: single precision only when exact', () => {
    expect(convert({ kind: 'float32' }, column({ kind: 'float64' }), 0.5)).toBe(0.5);
    expect(convert({ kind: 'float64' }, column({ kind: 'float32' }), 0.25)).toBe(0.25);
    expect(refused({ kind: 'float64' }, column({ kind: 'float32' }), 0.1)).toMatch(/no exact single-precision/);
    expect(refused({ kind: 'int64' }, column({ kind: 'float64' }), 2n ** 53n + 1n)).toMatch(/no exact double/);
    expect(convert({ kind: 'int64' }, column({ kind: 'float64' }), 2n ** 53n)).toBe(2 ** 53);
  });

  it('times: fraction digits kept by the column, time ↔ interval, interval fields', () => {
    expect(refused({ kind: 'timestamp' }, column({ kind: 'timestamp' }, { fractionDigits: 3 }), 1_000_001n)).toMatch(/more than the column's 3 digits/);
    expect(convert({ kind: 'timestamptz' }, column({ kind: 'timestamp' }, { fractionDigits: 3 }), 1_001_000n)).toBe(1_001_000n);
    expect(convert({ kind: 'timestamp' }, column({ kind: 'timestamp' }), 'infinity')).toBe('infinity');
    expect(convert({ kind: 'time' }, column({ kind: 'interval' }), 5n)).toEqual({ months: 0, days: 0, micros: 5n });
    expect(convert({ kind: 'interval' }, column({ kind: 'time' }), { months: 0, days: 0, micros: 3_600_000_000n })).toBe(3_600_000_000n);
    expect(refused({ kind: 'interval' }, column({ kind: 'time' }), { months: 0, days: 0, micros: -1n })).toMatch(/not a time of day/);
    expect(refused({ kind: 'interval' }, column({ kind: 'time' }), { months: 0, days: 1, micros: 0n })).toMatch(/not a time of day/);
    const dayToHour = column({ kind: 'interval' }, { intervalRange: (1 << 3) | (1 << 10) });
    expect(convert({ kind: 'interval' }, dayToHour, { months: 1, days: 2, micros: 7_200_000_000n })).toEqual({ months: 1, days: 2, micros: 7_200_000_000n });
    expect(refused({ kind: 'interval' }, dayToHour, { months: 0, days: 0, micros: 60_000_000n })).toMatch(/keeps no minutes or seconds/);
  });

  it('strings: length in characters, other kinds as their PostgreSQL text, bytes never into text', () => {
    expect(convert({ kind: 'string' }, column({ kind: 'string', maxLength: 3 }), '😀😀😀')).toBe('😀😀😀');
    expect(refused({ kind: 'string' }, column({ kind: 'string', maxLength: 3 }, { sqlType: 'varchar(3)' }), 'abcd')).toMatch(/4 characters do not fit varchar\(3\)/);
    expect(convert({ kind: 'interval' }, column({ kind: 'string' }), { months: 14, days: -3, micros: 1_500_000n })).toBe('P1Y2M-3DT1.5S');
    expect(convert({ kind: 'array', element: { kind: 'int32' } }, column({ kind: 'string' }), [1, null, -2])).toBe('{"1",NULL,"-2"}');
    expect(convert({ kind: 'timetz' }, column({ kind: 'string' }), { micros: 3_600_000_000n, offsetSeconds: 19800 })).toBe('01:00:00+05:30');
    expect(convert({ kind: 'uuid' }, column({ kind: 'string', maxLength: 36 }), '0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a')).toBe('0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a');
    expect(coercionFor({ kind: 'bytes' }, column({ kind: 'string' }))).toMatchObject({ incompatible: expect.stringMatching(/binary values do not go into text/) });
    expect(coercionFor({ kind: 'date' }, column({ kind: 'int32' }))).toMatchObject({ incompatible: 'a date column cannot go into a int32 column' });
    expect(coercionFor({ kind: 'int32' }, column(undefined as never, { refused: 'Tandem cannot write regclass columns' }))).toEqual({ incompatible: 'Tandem cannot write regclass columns' });
  });
});

describe('MySQL parameters', () => {
  const my = (type: LogicalType, value: Value, extra: Partial<TargetColumn> = {}) => mysqlParam(column(type, extra), value);
  const problem = (type: LogicalType, value: Value, extra: Partial<TargetColumn> = {}) => {
    try {
      my(type, value, extra);
    } catch (e) {
      if (e instanceof ValueProblem) return e.message;
      throw e;
    }
    throw new Error('expected a ValueProblem');
  };

  it('writes exact text for numbers and times', () => {
    expect(my({ kind: 'int64' }, -9223372036854775808n)).toBe('-9223372036854775808');
    expect(my({ kind: 'float64' }, -0)).toBe('-0');
    expect(my({ kind: 'float32' }, Math.fround(0.1))).toBe('0.10000000149011612');
    expect(my({ kind: 'boolean' }, true)).toBe(1);
    expect(my({ kind: 'date' }, 0)).toBe('1970-01-01');
    expect(my({ kind: 'date' }, -719528)).toBe('0000-01-01');
    expect(my({ kind: 'timestamp' }, -1n)).toBe('1969-12-31 23:59:59.999999');
    expect(my({ kind: 'timestamp' }, 2_932_897n * DAY - 1n)).toBe('9999-12-31 23:59:59.999999');
    expect(my({ kind: 'timestamptz' }, 1_700_000_000_123_456n)).toBe('2023-11-14 22:13:20.123456');
    expect(my({ kind: 'interval' }, { months: 0, days: 0, micros: -3_020_399_999_999n })).toBe('-838:59:59.999999');
    expect(my({ kind: 'time' }, 86_400_000_000n)).toBe('24:00:00.000000');
    expect(my({ kind: 'bytes' }, Buffer.from([1, 2]), { fixedBytes: 2 })).toEqual(Buffer.from([1, 2]));
    expect(my({ kind: 'array', element: { kind: 'string' } }, ['a"b', null])).toBe('{"a\\"b",NULL}');
  });

  it('refuses what MySQL has no form for', () => {
    expect(problem({ kind: 'float64' }, NaN)).toMatch(/has no NaN/);
    expect(problem({ kind: 'float64' }, Infinity)).toMatch(/has no Infinity/);
    expect(problem({ kind: 'decimal' }, 'Infinity')).toMatch(/DECIMAL has no Infinity/);
    expect(problem({ kind: 'date' }, 'infinity')).toMatch(/dates have no infinity/);
    expect(problem({ kind: 'timestamp' }, '-infinity')).toMatch(/have no -infinity/);
    expect(problem({ kind: 'date' }, -719529)).toMatch(/year 2 BC is outside MySQL's years 0..9999/);
    expect(problem({ kind: 'timestamp' }, 2_932_897n * DAY)).toMatch(/year 10000/);
    expect(problem({ kind: 'timestamptz' }, 0n)).toMatch(/outside the TIMESTAMP range/);
    expect(problem({ kind: 'timestamptz' }, 2_147_483_648_000_000n)).toMatch(/use DATETIME\(6\)/);
    expect(problem({ kind: 'interval' }, { months: 0, days: 35, micros: 0n })).toMatch(/months or days/);
    expect(problem({ kind: 'interval' }, { months: 0, days: 0, micros: 3_020_400_000_000n })).toMatch(/outside MySQL TIME/);
    expect(problem({ kind: 'bytes' }, Buffer.from([1]), { fixedBytes: 4, sqlType: 'binary(4)' })).toMatch(/1 bytes do not fit binary\(4\) exactly/);
  });
});

describe('PostgreSQL parameters', () => {
  it('are the exact text PostgreSQL reads back', () => {
    expect(pgParam(column({ kind: 'timestamptz' }), 'infinity')).toBe('infinity');
    expect(pgParam(column({ kind: 'bytes' }), Buffer.from([0xab]))).toBe('\\xab');
    expect(pgParam(column({ kind: 'float32' }), Math.fround(0.1))).toBe('0.1');
    expect(pgParam(column({ kind: 'interval' }), { months: 0, days: 0, micros: -1n })).toBe('PT-0.000001S');
  });
});
