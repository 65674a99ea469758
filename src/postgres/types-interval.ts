import type { IntervalValue, LogicalType } from '../model/logical-type.js';
import { badValue, malformed, pad, SCALE_TO_MICROS } from './types-common.js';

/*
 * interval_out. An interval is three independent signed fields: months (int32), days (int32) and
 * microseconds (int64). Years = months / 12 and hours/minutes/seconds are derived by truncating division,
 * so each printed part carries the sign of the field it comes from.
 *
 * IntervalStyle=iso_8601 (what the replication session uses):
 *   iso   := 'PT0S'                                  (all zero)
 *          | 'P' [int 'Y'] [int 'M'] [int 'D'] ['T' [int 'H'] [int 'M'] [secs 'S']]
 *   int   := '-'? digit+                             (zero parts are omitted)
 *   secs  := '-'? digit+ ['.' digit{1,6}]            (the sign covers the fraction: "-0.5S")
 *
 * IntervalStyle=postgres (the server default; accepted as a safety net):
 *   pg    := part (' ' part)* [' ' clock] | clock
 *   part  := ['+' | '-'] digit+ ' ' ('year' | 'years' | 'mon' | 'mons' | 'day' | 'days')
 *   clock := ['+' | '-'] digit{2,} ':' digit{2} ':' digit{2} ['.' digit{1,6}]   ("00:00:00" when all zero)
 *
 * Both styles (PostgreSQL >= 17): 'infinity' | '-infinity', carried as the field values PostgreSQL uses
 * for them internally: all three fields at their maximum / minimum.
 */

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

export const INTERVAL_INFINITY: Readonly<IntervalValue> = Object.freeze({ months: INT32_MAX, days: INT32_MAX, micros: INT64_MAX });
export const INTERVAL_MINUS_INFINITY: Readonly<IntervalValue> = Object.freeze({ months: INT32_MIN, days: INT32_MIN, micros: INT64_MIN });

const HOUR = 3_600_000_000;
const HOUR_N = 3_600_000_000n;

let at = 0;
let negative = false;

/** Reads ['-' | '+' (if plusAllowed)] digit+ at i; NaN when there are no digits. Sets `at` and `negative`. */
function readInt(text: string, i: number, plusAllowed: boolean): number {
  const c = text.charCodeAt(i);
  negative = c === 45;
  if (negative || (plusAllowed && c === 43)) i++;
  const start = i;
  let v = 0;
  for (;; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    v = v * 10 + d;
  }
  at = i;
  if (i === start || i - start > 19) return NaN;
  return negative ? 0 - v : v;
}

/** Reads '.' digit{1,6} at i if present; returns micros (unsigned), NaN if malformed. Leaves `at`. */
function readFraction(text: string, i: number): number {
  at = i;
  if (text.charCodeAt(i) !== 46) return 0;
  i++;
  let frac = 0;
  let n = 0;
  for (; n < 6; n++, i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) break;
    frac = frac * 10 + d;
  }
  at = i;
  return n === 0 ? NaN : frac * SCALE_TO_MICROS[n]!;
}

function build(type: LogicalType, text: string, months: number, days: number, hours: number, micros: number): IntervalValue {
  if (!(months >= INT32_MIN && months <= INT32_MAX && days >= INT32_MIN && days <= INT32_MAX)) {
    throw malformed(type, text, 'an interval within PostgreSQL range');
  }
  // Below 2^53 the sum is exact in a double; above, use bigint.
  const total = hours > -2_000_000 && hours < 2_000_000 ? BigInt(hours * HOUR + micros) : BigInt(hours) * HOUR_N + BigInt(micros);
  if (total > INT64_MAX || total < INT64_MIN) throw malformed(type, text, 'an interval within PostgreSQL range');
  return { months, days, micros: total };
}

export function parseInterval(type: LogicalType, text: string): IntervalValue {
  const c = text.charCodeAt(0);
  if (c === 80 /* P */) return parseIso(type, text);
  if (text === 'infinity') return { ...INTERVAL_INFINITY };
  if (text === '-infinity') return { ...INTERVAL_MINUS_INFINITY };
  return parsePostgres(type, text);
}

const ISO_EXPECTED = 'an ISO 8601 interval like P1Y2M-3DT4H5M6.789S (IntervalStyle=iso_8601)';

function parseIso(type: LogicalType, text: string): IntervalValue {
  let months = 0;
  let days = 0;
  let hours = 0;
  let micros = 0;
  let slot = 0; // next allowed designator: 0 Y, 1 M, 2 D, 3 T, 4 H, 5 M, 6 S, 7 end
  let i = 1;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) === 84 /* T */) {
      if (slot > 3 || i + 1 === n) throw malformed(type, text, ISO_EXPECTED);
      slot = 4;
      i++;
      continue;
    }
    const v = readInt(text, i, false);
    const neg = negative;
    const frac = slot >= 4 ? readFraction(text, at) : 0;
    const unit = text.charCodeAt(at);
    if (v !== v || frac !== frac) throw malformed(type, text, ISO_EXPECTED);
    if (frac !== 0 && unit !== 83) throw malformed(type, text, ISO_EXPECTED);
    if (slot <= 0 && unit === 89 /* Y */) {
      months += v * 12;
      slot = 1;
    } else if (slot <= 1 && unit === 77 /* M */) {
      months += v;
      slot = 2;
    } else if (slot <= 2 && unit === 68 /* D */) {
      days = v;
      slot = 3;
    } else if (slot === 4 && unit === 72 /* H */) {
      hours = v;
      slot = 5;
    } else if ((slot === 4 || slot === 5) && unit === 77 /* M */) {
      micros += v * 60_000_000;
      slot = 6;
    } else if (slot >= 4 && slot <= 6 && unit === 83 /* S */) {
      micros += v * 1_000_000 + (neg ? -frac : frac);
      slot = 7;
    } else {
      throw malformed(type, text, ISO_EXPECTED);
    }
    i = at + 1;
  }
  if (i === 1) throw malformed(type, text, ISO_EXPECTED);
  return build(type, text, months, days, hours, micros);
}

const PG_EXPECTED = 'an interval like "-1 years +2 mons -3 days +04:05:06.789" (IntervalStyle=postgres) or P1Y2M-3DT4H5M6.789S (iso_8601)';

function parsePostgres(type: LogicalType, text: string): IntervalValue {
  let months = 0;
  let days = 0;
  let hours = 0;
  let micros = 0;
  let slot = 0; // 0 year, 1 mon, 2 day, 3 clock, 4 end
  let i = 0;
  const n = text.length;
  for (;;) {
    const v = readInt(text, i, true);
    const neg = negative;
    if (v !== v || slot > 3) throw malformed(type, text, PG_EXPECTED);
    if (text.charCodeAt(at) === 58 /* : */) {
      // clock: v is the hour count (at least two digits), then :MM:SS[.ffffff]
      const j = at;
      const mm = (text.charCodeAt(j + 1) - 48) * 10 + (text.charCodeAt(j + 2) - 48);
      const ss = (text.charCodeAt(j + 4) - 48) * 10 + (text.charCodeAt(j + 5) - 48);
      if (!(mm >= 0 && mm <= 59 && ss >= 0 && ss <= 59) || text.charCodeAt(j + 3) !== 58) throw malformed(type, text, PG_EXPECTED);
      const frac = readFraction(text, j + 6);
      if (frac !== frac || at !== n) throw malformed(type, text, PG_EXPECTED);
      const sub = (mm * 60 + ss) * 1_000_000 + frac;
      hours = v;
      micros = neg ? -sub : sub;
      break;
    }
    if (text.charCodeAt(at) !== 32) throw malformed(type, text, PG_EXPECTED);
    const u = at + 1;
    let end = u;
    while (end < n && text.charCodeAt(end) !== 32) end++;
    const unit = text.slice(u, end);
    if (slot <= 0 && (unit === 'year' || unit === 'years')) {
      months += v * 12;
      slot = 1;
    } else if (slot <= 1 && (unit === 'mon' || unit === 'mons')) {
      months += v;
      slot = 2;
    } else if (slot <= 2 && (unit === 'day' || unit === 'days')) {
      days = v;
      slot = 3;
    } else {
      throw malformed(type, text, PG_EXPECTED);
    }
    if (end === n) break;
    i = end + 1;
  }
  return build(type, text, months, days, hours, micros);
}

/** ISO 8601 interval text; PostgreSQL reads it the same way under every IntervalStyle. */
export function formatInterval(type: LogicalType, value: unknown): string {
  const v = value as Partial<IntervalValue> | null;
  if (
    typeof v !== 'object' || v === null || !Number.isInteger(v.months) || !Number.isInteger(v.days) || typeof v.micros !== 'bigint'
  ) {
    throw badValue(type, value, '{ months: integer, days: integer, micros: bigint }');
  }
  const months = v.months!;
  const days = v.days!;
  const micros = v.micros;
  if (months === INT32_MAX && days === INT32_MAX && micros === INT64_MAX) return 'infinity';
  if (months === INT32_MIN && days === INT32_MIN && micros === INT64_MIN) return '-infinity';
  if (months === 0 && days === 0 && micros === 0n) return 'PT0S';
  const years = Math.trunc(months / 12);
  const mons = months - years * 12;
  let out = 'P';
  if (years !== 0) out += `${years}Y`;
  if (mons !== 0) out += `${mons}M`;
  if (days !== 0) out += `${days}D`;
  if (micros !== 0n) {
    const neg = micros < 0n;
    const sign = neg ? '-' : '';
    const abs = neg ? -micros : micros;
    const h = abs / HOUR_N;
    const rest = Number(abs - h * HOUR_N);
    const m = Math.floor(rest / 60_000_000);
    const s = Math.floor(rest / 1_000_000) % 60;
    const f = rest % 1_000_000;
    out += 'T';
    if (h !== 0n) out += `${sign}${h}H`;
    if (m !== 0) out += `${sign}${m}M`;
    if (s !== 0 || f !== 0) {
      let frac = '';
      if (f !== 0) {
        frac = pad(f, 6);
        let end = 6;
        while (frac.charCodeAt(end - 1) === 48) end--;
        frac = `.${frac.slice(0, end)}`;
      }
      out += `${sign}${s}${frac}S`;
    }
  }
  return out;
}
