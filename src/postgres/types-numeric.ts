import type { LogicalType } from '../model/logical-type.js';
import { badValue, malformed } from './types-common.js';

type DecimalType = Extract<LogicalType, { kind: 'decimal' }>;

/*
 * int2 / int4 / int8 / oid (int2out, int4out, int8out, oidout):
 *   integer := '-'? digit+          (no '+', no blanks; oid is unsigned)
 */

/** int2/int4 text → number, range-checked against [min, max]. */
export function parseSmallInt(type: LogicalType, text: string, min: number, max: number): number {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (n === i || n - i > 10) throw malformed(type, text, `an integer between ${min} and ${max}`);
  let v = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) throw malformed(type, text, `an integer between ${min} and ${max}`);
    v = v * 10 + d;
  }
  if (text.charCodeAt(0) === 45) v = 0 - v;
  if (v < min || v > max) throw malformed(type, text, `an integer between ${min} and ${max}`);
  return v;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** int8 (and oid/xid, which fit) text → bigint. */
export function parseBigInt(type: LogicalType, text: string): bigint {
  const n = text.length;
  const neg = text.charCodeAt(0) === 45;
  let i = neg ? 1 : 0;
  if (n === i || n - i > 19) throw malformed(type, text, 'a 64-bit integer');
  let v = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) throw malformed(type, text, 'a 64-bit integer');
    v = v * 10 + d;
  }
  // Up to 15 digits the number accumulator is exact; beyond that let BigInt read the (validated) text.
  if (n - (neg ? 1 : 0) <= 15) return BigInt(neg ? 0 - v : v);
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) throw malformed(type, text, 'a 64-bit integer');
  return big;
}

/*
 * numeric (numeric_out; never exponent notation, trailing zeros kept to the value's display scale):
 *   numeric := '-'? digit+ ('.' digit+)? | 'NaN' | 'Infinity' | '-Infinity'
 * money (cash_out with lc_monetary=C: symbol "$", group separator ",", always exactly 2 fraction digits):
 *   money   := '-'? '$' digit{1,3} (',' digit{3})* '.' digit digit
 * The money value is an int64 count of the currency's smallest unit; under lc_monetary=C it prints as that
 * count / 100. The catalog maps money to decimal(19, s) with s the database locale's fraction digits, so
 * we re-place the decimal point s digits from the right.
 */
export function parseDecimal(type: DecimalType, text: string): string {
  const c0 = text.charCodeAt(0);
  if (c0 === 36 /* $ */ || (c0 === 45 && text.charCodeAt(1) === 36)) return parseMoney(type, text);
  if (!isNumericText(text)) throw malformed(type, text, 'a decimal number, NaN, Infinity or -Infinity');
  return text;
}

function isNumericText(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const c = text.charCodeAt(i);
  if (!(c >= 48 && c <= 57)) return text === 'NaN' || text === 'Infinity' || text === '-Infinity';
  let dot = -1;
  for (; i < n; i++) {
    const d = text.charCodeAt(i);
    if (d >= 48 && d <= 57) continue;
    if (d !== 46 || dot >= 0) return false;
    dot = i;
  }
  return dot !== n - 1;
}

function parseMoney(type: DecimalType, text: string): string {
  const expected = 'money text like "-$1,234.56" (lc_monetary=C)';
  const neg = text.charCodeAt(0) === 45;
  const n = text.length;
  let digits = '';
  let start = neg ? 2 : 1;
  let i = start;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c !== 44 /* , */ && c !== 46 /* . */) throw malformed(type, text, expected);
    digits += text.slice(start, i);
    start = i + 1;
    if (c === 46) {
      if (n - start !== 2) throw malformed(type, text, expected);
    }
  }
  if (text.charCodeAt(n - 3) !== 46) throw malformed(type, text, expected);
  digits += text.slice(start, n);
  // digits is now the int64 unit count, e.g. "000" for $0.00 or "123456" for $1,234.56.
  let k = 0;
  while (k < digits.length - 1 && digits.charCodeAt(k) === 48) k++;
  digits = digits.slice(k);
  const scale = type.scale ?? 2;
  let out = digits;
  if (scale > 0) {
    const padded = digits.padStart(scale + 1, '0');
    out = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  return neg && digits !== '0' ? `-${out}` : out;
}

export function formatDecimal(type: DecimalType, value: unknown): string {
  if (typeof value !== 'string' || !isNumericText(value)) {
    throw badValue(type, value, 'a decimal string such as "-12.34", or "NaN", "Infinity", "-Infinity"');
  }
  return value;
}

/*
 * float4 / float8 (float4out/float8out with extra_float_digits > 0: shortest text that reads back exactly):
 *   float := '-'? digit+ ('.' digit+)? ('e' ('+'|'-') digit+)? | 'NaN' | 'Infinity' | '-Infinity'
 * JavaScript's Number() reads exactly that syntax, correctly rounded to float64.
 */
export function parseFloat64(type: LogicalType, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // digits . - + e E: anything else must be one of the three special spellings
    if (!((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69)) {
      if (text === 'NaN') return NaN;
      if (text === 'Infinity') return Infinity;
      if (text === '-Infinity') return -Infinity;
      throw malformed(type, text, 'a floating-point number, NaN, Infinity or -Infinity');
    }
  }
  const x = Number(text);
  // NaN here means bad syntax ("", "-", "1-2"); ±Infinity means overflow: PostgreSQL prints neither.
  if (n === 0 || !Number.isFinite(x)) throw malformed(type, text, 'a floating-point number, NaN, Infinity or -Infinity');
  return x;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * float4 text → the float32 value. Number() rounds the decimal to float64 and Math.fround rounds that to
 * float32; that double rounding is wrong only when the float64 lands exactly on a float32 midpoint, which
 * we detect and settle by comparing the decimal text with the midpoint exactly.
 */
export function parseFloat32(type: LogicalType, text: string): number {
  const x = parseFloat64(type, text);
  const f = Math.fround(x);
  if (f === x || x !== x || !Number.isFinite(f)) return f;
  const g = neighbourToward(f, x);
  if (f + g !== 2 * x) return f;
  const cmp = compareDecimalWithDouble(text, x);
  if (cmp === 0) return f; // a true tie: fround already rounded half to even
  const up = cmp > 0; // decimal lies above the midpoint
  return up === g > f ? g : f;
}

/** The float32 next to f in the direction of x (f !== x). */
function neighbourToward(f: number, x: number): number {
  if (f === 0) return x > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = f;
  if (x > f === f > 0) u32[0] = u32[0]! + 1;
  else u32[0] = u32[0]! - 1;
  return f32[0]!;
}

const dv = new DataView(new ArrayBuffer(8));

/** Sign of (decimal text − x), exactly. x is finite, non-zero, normal, with the text's sign. */
function compareDecimalWithDouble(text: string, x: number): number {
  let s = text;
  const neg = s.charCodeAt(0) === 45;
  if (neg) s = s.slice(1);
  let exp10 = 0;
  let e = s.indexOf('e');
  if (e < 0) e = s.indexOf('E');
  if (e >= 0) {
    exp10 = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  if (dot >= 0) {
    exp10 -= s.length - dot - 1;
    s = s.slice(0, dot) + s.slice(dot + 1);
  }
  let left = BigInt(s);
  dv.setFloat64(0, Math.abs(x));
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const biasedExp = hi >>> 20;
  let right = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biasedExp !== 0) right |= 1n << 52n;
  const exp2 = (biasedExp === 0 ? 1 : biasedExp) - 1075;
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  if (exp2 >= 0) right <<= BigInt(exp2);
  else left <<= BigInt(-exp2);
  const sign = left > right ? 1 : left < right ? -1 : 0;
  return neg ? -sign : sign;
}

/** float8 → text PostgreSQL reads back to the identical value ("-0", "1e+100", "NaN", "Infinity"). */
export function formatFloat64(type: LogicalType, value: unknown): string {
  if (typeof value !== 'number') throw badValue(type, value, 'a number');
  return Object.is(value, -0) ? '-0' : String(value);
}

/** float4 → the shortest text that reads back (as float4) to the identical value. */
export function formatFloat32(type: LogicalType, value: unknown): string {
  if (typeof value !== 'number' || Math.fround(value) !== value) {
    if (!(typeof value === 'number' && value !== value)) throw badValue(type, value, 'a float32-representable number');
  }
  const v = value as number;
  if (!Number.isFinite(v) || v === 0) return formatFloat64(type, v);
  for (let p = 1; p < 9; p++) {
    const candidate = String(Number(v.toPrecision(p)));
    if (parseFloat32(type, candidate) === v) return candidate;
  }
  return String(Number(v.toPrecision(9)));
}
