import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { bigintLongType } from '../../../src/avro/index.js';
import { readLongVarint, writeLongVarint, INT64_MAX, INT64_MIN } from '../../../src/avro/bigint-long.js';
import {
  bigintToTwosComplement,
  formatDecimalText,
  parseDecimalText,
  twosComplementToBigint,
} from '../../../src/avro/decimal-text.js';

const standardLong = avsc.Type.forSchema('long');

describe('bigint long', () => {
  const samples = [
    0n, 1n, -1n, 63n, -64n, 64n, 127n, 128n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n,
    2n ** 48n, -(2n ** 48n) - 1n, 2n ** 52n - 1n, -(2n ** 52n) + 1n, 2n ** 52n, -(2n ** 52n),
    2n ** 53n + 1n, -(2n ** 53n) - 1n, 1_767_225_600_123_456n, 9_007_199_254_740_993n, INT64_MAX, INT64_MIN,
  ];

  it.each(samples)('round-trips %s exactly as a bigint', (value) => {
    const encoded = bigintLongType.toBuffer(value);
    const decoded: unknown = bigintLongType.fromBuffer(encoded);
    expect(typeof decoded).toBe('bigint');
    expect(decoded).toBe(value);
    expect(readLongVarint(Buffer.from(writeLongVarint(value)))).toBe(value);
  });

  it('writes the same bytes as avsc’s standard long where that one is exact', () => {
    for (const value of samples.filter((v) => v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n)) {
      expect(bigintLongType.toBuffer(value).toString('hex')).toBe(standardLong.toBuffer(Number(value)).toString('hex'));
    }
  });

  it('uses 10 bytes for the int64 extremes (zig-zag: min -> ff..01, max -> fe..01)', () => {
    expect(bigintLongType.toBuffer(INT64_MAX).toString('hex')).toBe('feffffffffffffffff01');
    expect(bigintLongType.toBuffer(INT64_MIN).toString('hex')).toBe('ffffffffffffffffff01');
  });

  it('refuses numbers and out-of-range bigints', () => {
    expect(() => bigintLongType.toBuffer(1)).toThrow();
    expect(() => bigintLongType.toBuffer(INT64_MAX + 1n)).toThrow();
    expect(() => bigintLongType.toBuffer(INT64_MIN - 1n)).toThrow();
  });
});

describe('decimal bytes and text', () => {
  it.each([
    [0n, '00'],
    [1n, '01'],
    [127n, '7f'],
    [128n, '0080'],
    [255n, '00ff'],
    [256n, '0100'],
    [-1n, 'ff'],
    [-128n, '80'],
    [-129n, 'ff7f'],
    [-256n, 'ff00'],
    [2n ** 47n - 1n, '7fffffffffff'],
    [2n ** 47n, '00800000000000'],
    [-(2n ** 47n), '800000000000'],
    [-(2n ** 47n) - 1n, 'ff7fffffffffff'],
  ])('%s is two’s complement %s', (n, hex) => {
    expect(bigintToTwosComplement(n).toString('hex')).toBe(hex);
    expect(twosComplementToBigint(Buffer.from(hex, 'hex'))).toBe(n);
  });

  it('round-trips big integers through two’s complement', () => {
    for (const n of [10n ** 60n, -(10n ** 60n), 2n ** 64n, -(2n ** 64n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      expect(twosComplementToBigint(bigintToTwosComplement(n))).toBe(n);
    }
  });

  it('parses and formats decimal text', () => {
    expect(parseDecimalText('-12.3400')).toEqual({ unscaled: -123400n, scale: 4 });
    expect(parseDecimalText('0')).toEqual({ unscaled: 0n, scale: 0 });
    for (const bad of ['', '-', '.5', '5.', '+1', '1e5', ' 1', '1,5', 'NaN']) {
      expect(parseDecimalText(bad), bad).toBeUndefined();
    }
    expect(formatDecimalText(-123400n, 4)).toBe('-12.3400');
    expect(formatDecimalText(5n, 3)).toBe('0.005');
    expect(formatDecimalText(-5n, 3)).toBe('-0.005');
    expect(formatDecimalText(0n, 2)).toBe('0.00');
    expect(formatDecimalText(120n, 0)).toBe('120');
  });
});
