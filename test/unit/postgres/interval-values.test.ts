import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import type { IntervalValue, LogicalType } from '../../../src/model/logical-type.js';
import { formatPgText, parsePgText } from '../../../src/postgres/text-values.js';

const I: LogicalType = { kind: 'interval' };

function iv(months: number, days: number, micros: bigint): IntervalValue {
  return { months, days, micros };
}

function fails(text: string): void {
  let caught: unknown;
  try {
    parsePgText(I, text);
  } catch (e) {
    caught = e;
  }
  expect(isTandemError(caught, 'TANDEM_PG_PROTOCOL'), `expected ${JSON.stringify(text)} to be refused`).toBe(true);
}

// Pairs printed by PostgreSQL 15 for the same value under IntervalStyle iso_8601 and postgres.
const CASES: Array<[iso: string, postgres: string, value: IntervalValue]> = [
  ['PT0S', '00:00:00', iv(0, 0, 0n)],
  ['P-10M-3DT4H5M6.789S', '-10 mons -3 days +04:05:06.789', iv(-10, -3, 14_706_789_000n)],
  ['PT-0.5S', '-00:00:00.5', iv(0, 0, -500_000n)],
  ['P1DT-1S', '1 day -00:00:01', iv(0, 1, -1_000_000n)],
  ['P-1DT1S', '-1 days +00:00:01', iv(0, -1, 1_000_000n)],
  ['P1M-1D', '1 mon -1 days', iv(1, -1, 0n)],
  ['P-1M-1DT1S', '-1 mons -1 days +00:00:01', iv(-1, -1, 1_000_000n)],
  ['P1Y', '1 year', iv(12, 0, 0n)],
  ['P-1Y-2M', '-1 years -2 mons', iv(-14, 0, 0n)],
  ['P10M', '10 mons', iv(10, 0, 0n)],
  ['PT0.000001S', '00:00:00.000001', iv(0, 0, 1n)],
  ['PT-1H-2M-3.000004S', '-01:02:03.000004', iv(0, 0, -3_723_000_004n)],
  [
    'P178956970Y7M2147483647DT2562047788H54.775807S',
    '178956970 years 7 mons 2147483647 days 2562047788:00:54.775807',
    iv(2147483647, 2147483647, 9223372036854775807n),
  ],
  [
    'P-178956970Y-8M-2147483648DT-2562047788H-54.775808S',
    '-178956970 years -8 mons -2147483648 days -2562047788:00:54.775808',
    iv(-2147483648, -2147483648, -9223372036854775808n),
  ],
];

describe('interval', () => {
  it('reads iso_8601 and postgres styles to the same fields', () => {
    for (const [iso, pg, value] of CASES) {
      expect(parsePgText(I, iso), iso).toEqual(value);
      expect(parsePgText(I, pg), pg).toEqual(value);
    }
  });

  it('reads fields with mixed signs PostgreSQL would normalise, and redundant plus signs', () => {
    expect(parsePgText(I, '-1 years +2 mons -3 days +04:05:06.789')).toEqual(iv(-10, -3, 14_706_789_000n));
    expect(parsePgText(I, '+1 year +1 mon +1 day +01:00:00')).toEqual(iv(13, 1, 3_600_000_000n));
    expect(parsePgText(I, 'P1Y-2M')).toEqual(iv(10, 0, 0n));
    expect(parsePgText(I, 'PT1H-30M')).toEqual(iv(0, 0, 1_800_000_000n));
  });

  it('formats ISO 8601 text that reads back identically', () => {
    for (const [iso, , value] of CASES) {
      const text = formatPgText(I, value);
      expect(parsePgText(I, text)).toEqual(value);
      // Our formatter prints what PostgreSQL prints, except at the infinity sentinels (see below).
      if (value.months !== 2147483647 && value.months !== -2147483648) expect(text).toBe(iso);
    }
  });

  it('carries PostgreSQL 17 infinite intervals as the internal sentinel fields', () => {
    expect(parsePgText(I, 'infinity')).toEqual(iv(2147483647, 2147483647, 9223372036854775807n));
    expect(parsePgText(I, '-infinity')).toEqual(iv(-2147483648, -2147483648, -9223372036854775808n));
    expect(formatPgText(I, iv(2147483647, 2147483647, 9223372036854775807n))).toBe('infinity');
    expect(formatPgText(I, iv(-2147483648, -2147483648, -9223372036854775808n))).toBe('-infinity');
  });

  it('refuses what PostgreSQL does not print', () => {
    for (const bad of [
      '',
      'P',
      'PT',
      'P1H',
      'PT1D',
      'P1M1Y',
      'P1.5Y',
      'PT1.5H',
      'P1DT',
      'P1Y2M3DT4H5M6.1234567S',
      'P2147483648M',
      'PT2562047789H',
      '1 yr',
      '1 day 2 mons',
      '1 day  00:00:01',
      '00:00',
      '00:60:00',
      '@ 1 day',
      '1 day 00:00:01 ago',
      'P1Y ',
    ]) {
      fails(bad);
    }
  });
});
