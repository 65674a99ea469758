import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import type { LogicalType } from '../../../src/model/logical-type.js';
import { formatPgText, parsePgText } from '../../../src/postgres/text-values.js';

const T = {
  bool: { kind: 'boolean' },
  i16: { kind: 'int16' },
  i32: { kind: 'int32' },
  i64: { kind: 'int64' },
  dec: { kind: 'decimal' },
  dec122: { kind: 'decimal', precision: 12, scale: 2 },
  f32: { kind: 'float32' },
  f64: { kind: 'float64' },
} satisfies Record<string, LogicalType>;

function fails(type: LogicalType, text: string, code = 'TANDEM_PG_PROTOCOL'): void {
  let caught: unknown;
  try {
    parsePgText(type, text);
  } catch (e) {
    caught = e;
  }
  expect(isTandemError(caught), `expected ${JSON.stringify(text)} to be refused`).toBe(true);
  expect((caught as Error & { code: string }).code).toBe(code);
  expect((caught as Error).message).toContain(JSON.stringify(text).slice(0, 20));
}

describe('boolean', () => {
  it('reads t/f and nothing else', () => {
    expect(parsePgText(T.bool, 't')).toBe(true);
    expect(parsePgText(T.bool, 'f')).toBe(false);
    for (const bad of ['true', 'T', '', '1']) fails(T.bool, bad);
    expect(formatPgText(T.bool, true)).toBe('t');
  });
});

describe('integers', () => {
  it('reads int2/int4 at their limits', () => {
    expect(parsePgText(T.i16, '-32768')).toBe(-32768);
    expect(parsePgText(T.i16, '32767')).toBe(32767);
    expect(parsePgText(T.i32, '-2147483648')).toBe(-2147483648);
    expect(parsePgText(T.i32, '2147483647')).toBe(2147483647);
    expect(Object.is(parsePgText(T.i32, '0'), 0)).toBe(true);
    for (const bad of ['32768', '-32769', '', '-', '1.0', '+1', ' 1', '0x10', '1e3']) fails(T.i16, bad);
    for (const bad of ['2147483648', '-2147483649', '99999999999']) fails(T.i32, bad);
  });

  it('reads int8 exactly as bigint', () => {
    expect(parsePgText(T.i64, '9223372036854775807')).toBe(9223372036854775807n);
    expect(parsePgText(T.i64, '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parsePgText(T.i64, '9007199254740993')).toBe(9007199254740993n);
    expect(parsePgText(T.i64, '-1')).toBe(-1n);
    expect(parsePgText(T.i64, '0')).toBe(0n);
    for (const bad of ['9223372036854775808', '-9223372036854775809', '', '-', '12a', '0x10', '1.5']) fails(T.i64, bad);
  });

  it('formats integers back', () => {
    expect(formatPgText(T.i64, -9223372036854775808n)).toBe('-9223372036854775808');
    expect(formatPgText(T.i32, -5)).toBe('-5');
  });
});

describe('numeric', () => {
  it('keeps PostgreSQL text, which is canonical with its scale', () => {
    for (const text of ['0', '0.000000000000000000000000000001', '-12.3400', '1.500', 'NaN', 'Infinity', '-Infinity', '123456789012345678901234567890.12345678901234567890']) {
      expect(parsePgText(T.dec, text)).toBe(text);
      expect(formatPgText(T.dec, text)).toBe(text);
    }
    const huge = `${'9'.repeat(131072)}.${'1'.repeat(16383)}`;
    expect(parsePgText(T.dec, huge)).toBe(huge);
    for (const bad of ['', '-', '1.', '.5', '1e5', 'nan', '1,5', '--1', '1.2.3']) fails(T.dec, bad);
  });

  it('reads money printed under lc_monetary=C, re-scaled to the locale scale', () => {
    const money2: LogicalType = { kind: 'decimal', precision: 19, scale: 2 };
    expect(parsePgText(money2, '$1,234.56')).toBe('1234.56');
    expect(parsePgText(money2, '-$92,233,720,368,547,758.08')).toBe('-92233720368547758.08');
    expect(parsePgText(money2, '$92,233,720,368,547,758.07')).toBe('92233720368547758.07');
    expect(parsePgText(money2, '$0.00')).toBe('0.00');
    expect(parsePgText(money2, '-$0.50')).toBe('-0.50');
    // A locale with 0 fraction digits (ja_JP): the stored count 1234 prints as $12.34 under C.
    expect(parsePgText({ kind: 'decimal', precision: 19, scale: 0 }, '$12.34')).toBe('1234');
    expect(parsePgText({ kind: 'decimal', precision: 19, scale: 3 }, '-$12.34')).toBe('-1.234');
    expect(parsePgText({ kind: 'decimal', precision: 19, scale: 3 }, '$0.05')).toBe('0.005');
    for (const bad of ['$1,234.5', '$12', '$1.234,56', '$', '-$']) fails(money2, bad);
  });
});

describe('float8', () => {
  it('reads shortest-exact text and the special values', () => {
    expect(parsePgText(T.f64, '0.1')).toBe(0.1);
    expect(parsePgText(T.f64, '1e+100')).toBe(1e100);
    expect(parsePgText(T.f64, '1.2345678901234568e+17')).toBe(123456789012345680);
    expect(parsePgText(T.f64, '1.7976931348623157e+308')).toBe(Number.MAX_VALUE);
    expect(parsePgText(T.f64, '5e-324')).toBe(5e-324);
    expect(parsePgText(T.f64, '2.2250738585072014e-308')).toBe(2.2250738585072014e-308);
    expect(Object.is(parsePgText(T.f64, '-0'), -0)).toBe(true);
    expect(parsePgText(T.f64, 'NaN')).toBeNaN();
    expect(parsePgText(T.f64, 'Infinity')).toBe(Infinity);
    expect(parsePgText(T.f64, '-Infinity')).toBe(-Infinity);
    for (const bad of ['', 'nan', 'inf', '0x10', '1e999', '-', '1-2', ' 1']) fails(T.f64, bad);
  });

  it('formats so that PostgreSQL reads the identical value', () => {
    expect(formatPgText(T.f64, -0)).toBe('-0');
    expect(formatPgText(T.f64, NaN)).toBe('NaN');
    expect(formatPgText(T.f64, -Infinity)).toBe('-Infinity');
    for (const v of [0.1, 1e100, 5e-324, Number.MAX_VALUE, -1.5, 123456789012345680]) {
      expect(parsePgText(T.f64, formatPgText(T.f64, v))).toBe(v);
    }
  });
});

describe('float4', () => {
  it('reads the float32 limits and special values', () => {
    expect(parsePgText(T.f32, '1.17549435e-38')).toBe(Math.fround(1.17549435e-38));
    expect(parsePgText(T.f32, '1.1754944e-38')).toBe(2 ** -126);
    expect(parsePgText(T.f32, '3.4028235e+38')).toBe(Math.fround(3.4028234663852886e38));
    expect(parsePgText(T.f32, '1e-45')).toBe(2 ** -149);
    expect(parsePgText(T.f32, '0.1')).toBe(Math.fround(0.1));
    expect(Object.is(parsePgText(T.f32, '-0'), -0)).toBe(true);
    expect(parsePgText(T.f32, 'NaN')).toBeNaN();
    expect(parsePgText(T.f32, '-Infinity')).toBe(-Infinity);
  });

  it('avoids the double-rounding trap at a float32 midpoint', () => {
    // 1 + 2^-24 is the midpoint between 1 and 1 + 2^-23; a decimal a hair above it rounds to float64 exactly
    // onto the midpoint, where Math.fround alone would round down (half to even). The exact answer is up.
    const above = '1.00000005960464477539062500000001';
    expect(Number(above)).toBe(1 + 2 ** -24);
    expect(Math.fround(Number(above))).toBe(1);
    expect(parsePgText(T.f32, above)).toBe(1 + 2 ** -23);
    const below = '1.00000005960464477539062499999999';
    expect(parsePgText(T.f32, below)).toBe(1);
    expect(parsePgText(T.f32, '1.000000059604644775390625')).toBe(1); // the exact tie: half to even
    expect(parsePgText(T.f32, '-1.00000005960464477539062500000001')).toBe(-(1 + 2 ** -23));
  });

  it('formats the shortest text that reads back identically', () => {
    expect(formatPgText(T.f32, Math.fround(0.1))).toBe('0.1');
    expect(formatPgText(T.f32, Math.fround(3.4028235e38))).toBe('3.4028235e+38');
    expect(formatPgText(T.f32, 2 ** -149)).toBe('1e-45');
    expect(formatPgText(T.f32, -0)).toBe('-0');
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    // A spread of bit patterns: every finite one must survive format → parse.
    for (let bits = 0; bits < 0xff800000; bits += 0x00f0f0f1) {
      u32[0] = bits;
      const v = f32[0]!;
      if (!Number.isFinite(v)) continue;
      expect(parsePgText(T.f32, formatPgText(T.f32, v))).toBe(v);
      expect(parsePgText(T.f32, formatPgText(T.f32, -v))).toBe(-v);
    }
  });

  it('refuses a value that is not a float32', () => {
    expect(() => formatPgText(T.f32, 0.1)).toThrow(/float32/);
  });
});
