import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import type { LogicalType, Value } from '../../../src/model/logical-type.js';
import { formatPgText, parsePgText } from '../../../src/postgres/text-values.js';
import { civilFromDays, daysFromCivil } from '../../../src/postgres/types-temporal.js';

const DATE: LogicalType = { kind: 'date' };
const TIME: LogicalType = { kind: 'time' };
const TIMETZ: LogicalType = { kind: 'timetz' };
const TS: LogicalType = { kind: 'timestamp' };
const TSTZ: LogicalType = { kind: 'timestamptz' };
const DAY = 86_400_000_000n;

function fails(type: LogicalType, text: string): void {
  let caught: unknown;
  try {
    parsePgText(type, text);
  } catch (e) {
    caught = e;
  }
  expect(isTandemError(caught, 'TANDEM_PG_PROTOCOL'), `expected ${JSON.stringify(text)} to be refused`).toBe(true);
}

function roundTrips(type: LogicalType, text: string, value: Value): void {
  expect(parsePgText(type, text)).toEqual(value);
  expect(parsePgText(type, formatPgText(type, value))).toEqual(value);
}

describe('civil calendar', () => {
  it('agrees with Date for a long span and inverts exactly', () => {
    for (let days = -800_000; days <= 800_000; days += 997) {
      const d = new Date(days * 86_400_000);
      expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(days);
      expect(civilFromDays(days)).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
    }
    for (const days of [-2440222, 2145042905, 0, -1, -719162, -719163]) {
      const [y, m, d] = civilFromDays(days);
      expect(daysFromCivil(y, m, d)).toBe(days);
    }
  });
});

describe('date', () => {
  it('reads the whole PostgreSQL range (reference day counts from PostgreSQL 15)', () => {
    roundTrips(DATE, '1970-01-01', 0);
    roundTrips(DATE, '2024-02-29', 19782);
    roundTrips(DATE, '0001-01-01', -719162);
    roundTrips(DATE, '0001-12-31 BC', -719163);
    roundTrips(DATE, '0044-03-15 BC', -735160);
    roundTrips(DATE, '4713-11-24 BC', -2440222);
    roundTrips(DATE, '5874897-12-31', 2145042905);
    roundTrips(DATE, 'infinity', 'infinity');
    roundTrips(DATE, '-infinity', '-infinity');
    expect(formatPgText(DATE, -735160)).toBe('0044-03-15 BC');
    expect(formatPgText(DATE, 2145042905)).toBe('5874897-12-31');
  });

  it('knows leap days', () => {
    expect(parsePgText(DATE, '2000-02-29')).toBe(11016);
    expect(parsePgText(DATE, '0005-02-29 BC')).toBe(daysFromCivil(-4, 2, 29)); // astronomical -4 is a leap year
    for (const bad of ['1900-02-29', '2023-02-29', '0004-02-29 BC', '2024-04-31', '2024-13-01', '2024-00-10', '0000-01-01']) fails(DATE, bad);
  });

  it('refuses other spellings', () => {
    for (const bad of ['', '24-01-01', '2024-1-01', '2024/01/01', '01/02/2024', '2024-01-01 AD', '2024-01-01BC', 'Infinity', '2024-01-011']) fails(DATE, bad);
  });
});

describe('time and timetz', () => {
  it('reads times including 24:00:00 and fractions', () => {
    roundTrips(TIME, '00:00:00', 0n);
    roundTrips(TIME, '24:00:00', DAY);
    roundTrips(TIME, '23:59:59.999999', DAY - 1n);
    roundTrips(TIME, '12:00:00.5', 43_200_500_000n);
    roundTrips(TIME, '00:00:00.000001', 1n);
    expect(formatPgText(TIME, 43_200_500_000n)).toBe('12:00:00.5');
    for (const bad of ['24:00:00.000001', '25:00:00', '12:60:00', '12:00:60', '12:00', '12:00:00.', '12:00:00.1234567', '1:00:00', '12:00:00+00']) fails(TIME, bad);
  });

  it('reads timetz offsets east of UTC, down to seconds', () => {
    roundTrips(TIMETZ, '12:00:00.5+05:30:15', { micros: 43_200_500_000n, offsetSeconds: 19_815 });
    roundTrips(TIMETZ, '00:00:00-15:59', { micros: 0n, offsetSeconds: -57_540 });
    roundTrips(TIMETZ, '24:00:00+00', { micros: DAY, offsetSeconds: 0 });
    roundTrips(TIMETZ, '01:02:03-00:00:01', { micros: 3_723_000_000n, offsetSeconds: -1 });
    expect(formatPgText(TIMETZ, { micros: 0n, offsetSeconds: -57_540 })).toBe('00:00:00-15:59');
    for (const bad of ['12:00:00', '12:00:00+5', '12:00:00+05:3', '12:00:00 +05', '12:00:00+05:60']) fails(TIMETZ, bad);
  });
});

describe('timestamp and timestamptz', () => {
  const MAX = 106762939n * DAY + DAY - 1n; // 294276-12-31 23:59:59.999999
  const MIN = -2440222n * DAY; // 4713-11-24 00:00:00 BC

  it('reads the whole range', () => {
    roundTrips(TS, '1970-01-01 00:00:00', 0n);
    roundTrips(TS, '2024-02-29 12:34:56.123456', 1_709_210_096_123_456n);
    roundTrips(TS, '1969-12-31 23:59:59.999999', -1n);
    roundTrips(TS, '294276-12-31 23:59:59.999999', MAX);
    roundTrips(TS, '4713-11-24 00:00:00 BC', MIN);
    roundTrips(TS, '0044-03-15 12:30:00.5 BC', -63_517_778_999_500_000n);
    roundTrips(TS, 'infinity', 'infinity');
    roundTrips(TS, '-infinity', '-infinity');
    expect(formatPgText(TS, MIN)).toBe('4713-11-24 00:00:00 BC');
    expect(formatPgText(TS, MAX)).toBe('294276-12-31 23:59:59.999999');
  });

  it('reads timestamptz in UTC and applies any other offset', () => {
    roundTrips(TSTZ, '2024-02-29 12:34:56.123456+00', 1_709_210_096_123_456n);
    roundTrips(TSTZ, '294276-12-31 23:59:59.999999+00', MAX);
    roundTrips(TSTZ, '4713-11-24 00:00:00+00 BC', MIN);
    roundTrips(TSTZ, '-infinity', '-infinity');
    expect(parsePgText(TSTZ, '2024-02-29 14:34:56.123456+02')).toBe(1_709_210_096_123_456n);
    expect(parsePgText(TSTZ, '2024-02-29 07:04:56.123456-05:30')).toBe(1_709_210_096_123_456n);
    expect(formatPgText(TSTZ, MIN)).toBe('4713-11-24 00:00:00+00 BC');
    expect(formatPgText(TSTZ, -1n)).toBe('1969-12-31 23:59:59.999999+00');
  });

  it('refuses other spellings', () => {
    for (const bad of ['2024-02-29T12:34:56', '2024-02-29 12:34:56+00', '2024-02-29', '2024-02-29 12:34', 'epoch', '2024-02-29 12:34:56 BC BC']) fails(TS, bad);
    for (const bad of ['2024-02-29 12:34:56', '2024-02-29 12:34:56 UTC', '2024-02-29 12:34:56Z', '2024-02-29 12:34:56 BC+00']) fails(TSTZ, bad);
  });
});
