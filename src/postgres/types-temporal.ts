import type { LogicalType, TimeTzValue } from '../model/logical-type.js';
import { badValue, malformed, pad, SCALE_TO_MICROS } from './types-common.js';

/*
 * Text forms under DateStyle=ISO and TimeZone=UTC (date_out, time_out, timetz_out, timestamp_out,
 * timestamptz_out):
 *
 *   date        := 'infinity' | '-infinity' | ymd [' BC']
 *   time        := hms
 *   timetz      := hms offset
 *   timestamp   := 'infinity' | '-infinity' | ymd ' ' hms [' BC']
 *   timestamptz := 'infinity' | '-infinity' | ymd ' ' hms offset [' BC']
 *   ymd         := digit{4,} '-' digit{2} '-' digit{2}      year zero-padded to 4 digits, 1..5874897
 *   hms         := digit{2} ':' digit{2} ':' digit{2} ['.' digit{1,6}]   trailing zeros of the fraction
 *                  dropped; 24:00:00 is a valid time
 *   offset      := ('+' | '-') digit{2} [':' digit{2} [':' digit{2}]]   east of UTC ("+00" under UTC)
 *
 * Years are proleptic Gregorian; "BC" year n is astronomical year 1 - n (1 BC = year 0).
 */

export const MICROS_PER_DAY = 86_400_000_000;
const MICROS_PER_DAY_N = 86_400_000_000n;

/** Cursor shared by the readers below (module-level to keep the hot path free of allocations). */
let at = 0;

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -100; // NaN (past the end) fails the check too
}

function two(text: string, i: number): number {
  const v = digit(text, i) * 10 + digit(text, i + 1);
  return v >= 0 ? v : -1;
}

/** Days from 1970-01-01 to (astronomical year y, month m, day d), proleptic Gregorian. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil: [astronomical year, month, day]. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Reads ymd at 0; returns days since epoch (bc: the year is BC), or NaN. Leaves `at` after the day. */
function readYmd(text: string, bc: boolean): number {
  let year = 0;
  let i = 0;
  for (; i < 8; i++) {
    const d = digit(text, i);
    if (d < 0) break;
    year = year * 10 + d;
  }
  if (i < 4 || text.charCodeAt(i) !== 45 || text.charCodeAt(i + 3) !== 45) return NaN;
  const month = two(text, i + 1);
  const day = two(text, i + 4);
  at = i + 6;
  const y = bc ? 1 - year : year;
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month)) return NaN;
  return daysFromCivil(y, month, day);
}

/** Reads hms at i; returns microseconds since midnight, or NaN. Leaves `at` after it. */
function readHms(text: string, i: number): number {
  const h = two(text, i);
  const m = two(text, i + 3);
  const s = two(text, i + 6);
  if (h < 0 || m < 0 || s < 0 || text.charCodeAt(i + 2) !== 58 || text.charCodeAt(i + 5) !== 58) return NaN;
  let micros = ((h * 60 + m) * 60 + s) * 1_000_000;
  i += 8;
  if (text.charCodeAt(i) === 46 /* . */) {
    i++;
    let frac = 0;
    let n = 0;
    for (; n < 6; n++, i++) {
      const d = digit(text, i);
      if (d < 0) break;
      frac = frac * 10 + d;
    }
    if (n === 0) return NaN;
    micros += frac * SCALE_TO_MICROS[n]!;
  }
  at = i;
  return m > 59 || s > 59 || micros > MICROS_PER_DAY ? NaN : micros;
}

/** Reads offset at i; returns seconds east of UTC, or NaN. Leaves `at` after it. */
function readOffset(text: string, i: number): number {
  const sign = text.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return NaN;
  const h = two(text, i + 1);
  let m = 0;
  let s = 0;
  i += 3;
  if (text.charCodeAt(i) === 58) {
    m = two(text, i + 1);
    i += 3;
    if (text.charCodeAt(i) === 58) {
      s = two(text, i + 1);
      i += 3;
    }
  }
  at = i;
  if (h < 0 || m < 0 || m > 59 || s < 0 || s > 59) return NaN;
  const secs = h * 3600 + m * 60 + s;
  return sign === 45 ? 0 - secs : secs;
}

/** Length of the text without a trailing " BC", or -1 when there is none. */
function bcEnd(text: string): number {
  const n = text.length;
  return n > 3 && text.charCodeAt(n - 1) === 67 && text.charCodeAt(n - 2) === 66 && text.charCodeAt(n - 3) === 32 ? n - 3 : -1;
}

function infinity(text: string): 'infinity' | '-infinity' | undefined {
  return text === 'infinity' ? 'infinity' : text === '-infinity' ? '-infinity' : undefined;
}

export function parseDate(type: LogicalType, text: string): number | 'infinity' | '-infinity' {
  const c = text.charCodeAt(0);
  if (c === 105 /* i */ || c === 45 /* - */) {
    const inf = infinity(text);
    if (inf !== undefined) return inf;
  }
  const bc = bcEnd(text);
  const days = readYmd(text, bc >= 0);
  if (days !== days || at !== (bc >= 0 ? bc : text.length)) throw malformed(type, text, 'a date like 2024-02-29 or 0044-03-15 BC');
  return days;
}

export function parseTime(type: LogicalType, text: string): bigint {
  const micros = readHms(text, 0);
  if (micros !== micros || at !== text.length) throw malformed(type, text, 'a time like 23:59:59.999999');
  return BigInt(micros);
}

export function parseTimeTz(type: LogicalType, text: string): TimeTzValue {
  const micros = readHms(text, 0);
  const offsetSeconds = micros === micros ? readOffset(text, at) : NaN;
  if (offsetSeconds !== offsetSeconds || at !== text.length) throw malformed(type, text, 'a time with offset like 23:59:59.5+05:30');
  return { micros: BigInt(micros), offsetSeconds };
}

/** timestamp (withZone false) or timestamptz (withZone true) → microseconds since the epoch. */
export function parseTimestamp(type: LogicalType, text: string, withZone: boolean): bigint | 'infinity' | '-infinity' {
  const c = text.charCodeAt(0);
  if (c === 105 || c === 45) {
    const inf = infinity(text);
    if (inf !== undefined) return inf;
  }
  const bc = bcEnd(text);
  const days = readYmd(text, bc >= 0);
  let micros = days === days && text.charCodeAt(at) === 32 ? readHms(text, at + 1) : NaN;
  if (withZone && micros === micros) micros -= readOffset(text, at) * 1_000_000;
  if (micros !== micros || at !== (bc >= 0 ? bc : text.length)) {
    throw malformed(type, text, withZone ? 'a timestamp like 2024-02-29 23:59:59.5+00' : 'a timestamp like 2024-02-29 23:59:59.5');
  }
  // |days| < 100000 keeps days * 86.4e9 + micros under 2^53: exact in a double.
  if (days > -100_000 && days < 100_000) return BigInt(days * MICROS_PER_DAY + micros);
  return BigInt(days) * MICROS_PER_DAY_N + BigInt(micros);
}

// ---- formatting (input PostgreSQL accepts under any DateStyle: ISO year-month-day order is unambiguous) ----

function ymd(days: number): string {
  const [y, m, d] = civilFromDays(days);
  const year = y <= 0 ? 1 - y : y;
  return `${pad(year, 4)}-${pad(m, 2)}-${pad(d, 2)}${y <= 0 ? ' BC' : ''}`;
}

function hms(micros: number): string {
  const secs = Math.floor(micros / 1_000_000);
  const frac = micros - secs * 1_000_000;
  const base = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  if (frac === 0) return base;
  let f = pad(frac, 6);
  let end = 6;
  while (f.charCodeAt(end - 1) === 48) end--;
  f = f.slice(0, end);
  return `${base}.${f}`;
}

function offset(seconds: number): string {
  const a = Math.abs(seconds);
  const h = Math.floor(a / 3600);
  const m = Math.floor(a / 60) % 60;
  const s = a % 60;
  return `${seconds < 0 ? '-' : '+'}${pad(h, 2)}${m !== 0 || s !== 0 ? `:${pad(m, 2)}` : ''}${s !== 0 ? `:${pad(s, 2)}` : ''}`;
}

export function formatDate(type: LogicalType, value: unknown): string {
  if (value === 'infinity' || value === '-infinity') return value;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badValue(type, value, 'an integer day count or "infinity"/"-infinity"');
  return ymd(value);
}

function timeMicros(type: LogicalType, value: unknown): number {
  if (typeof value !== 'bigint' || value < 0n || value > BigInt(MICROS_PER_DAY)) {
    throw badValue(type, value, 'a bigint count of microseconds from 0 to 86400000000');
  }
  return Number(value);
}

export function formatTime(type: LogicalType, value: unknown): string {
  return hms(timeMicros(type, value));
}

export function formatTimeTz(type: LogicalType, value: unknown): string {
  const v = value as Partial<TimeTzValue> | null;
  if (typeof v !== 'object' || v === null || typeof v.offsetSeconds !== 'number' || !Number.isInteger(v.offsetSeconds)) {
    throw badValue(type, value, '{ micros: bigint, offsetSeconds: integer }');
  }
  return hms(timeMicros(type, v.micros)) + offset(v.offsetSeconds);
}

export function formatTimestamp(type: LogicalType, value: unknown, withZone: boolean): string {
  if (value === 'infinity' || value === '-infinity') return value;
  if (typeof value !== 'bigint') throw badValue(type, value, 'a bigint count of microseconds or "infinity"/"-infinity"');
  let days = value / MICROS_PER_DAY_N;
  let rem = value - days * MICROS_PER_DAY_N;
  if (rem < 0n) {
    days -= 1n;
    rem += MICROS_PER_DAY_N;
  }
  const date = ymd(Number(days));
  const bc = date.endsWith(' BC');
  const day = bc ? date.slice(0, -3) : date;
  return `${day} ${hms(Number(rem))}${withZone ? '+00' : ''}${bc ? ' BC' : ''}`;
}
