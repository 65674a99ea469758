import type { LogicalType } from '../model/logical-type.js';

/**
 * One canonical text per value, so that equal PostgreSQL and MySQL values compare equal. Input is the
 * text each engine's reader returns (see table-reader.ts: PostgreSQL text format in a UTC session with
 * bytea_output=hex, MySQL text protocol in a +00:00 session with binary columns selected as HEX()).
 * NULL stays null, distinct from ''.
 */
export type Normaliser = (text: string) => string;

/** Decimal text without a '+' sign, leading zeros, trailing fraction zeros or a negative zero: "-012.340" → "-12.34". */
export function canonicalDecimal(text: string): string {
  const fast = plainDecimal(text);
  if (fast !== undefined) return fast;
  const t = text.trim();
  if (t === 'NaN' || t === 'Infinity' || t === '-Infinity') return t;
  let negative = t.startsWith('-');
  let body = negative || t.startsWith('+') ? t.slice(1) : t;
  if (/[eE]/.test(body)) return String(Number(t));
  let [whole = '', fraction = ''] = body.split('.');
  whole = whole.replace(/^0+/, '') || '0';
  fraction = fraction.replace(/0+$/, '');
  if (whole === '0' && fraction === '') negative = false;
  body = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative ? `-${body}` : body;
}

/**
 * A decimal at the declared scale both columns share ("1.5" in numeric(12,2) → "1.50"), so output reads
 * like the column; a value with more fraction digits than the scale keeps them.
 */
export function decimalAtScale(scale: number): Normaliser {
  return (text) => {
    if (atScale(text, scale)) return text;
    const c = canonicalDecimal(text);
    if (scale <= 0 || !isDigit(c.charCodeAt(c.length - 1)) || c.includes('e')) return c;
    const dot = c.indexOf('.');
    const digits = dot < 0 ? 0 : c.length - dot - 1;
    if (digits >= scale) return c;
    return `${dot < 0 ? `${c}.` : c}${'0'.repeat(scale - digits)}`;
  };
}

/** Already canonical at this scale: [-]d...d.ddd (scale digits), first digit not 0 unless it is the only one. */
function atScale(t: string, scale: number): boolean {
  const n = t.length;
  const dot = n - scale - 1;
  if (scale <= 0 || dot < 1 || t.charCodeAt(dot) !== 46) return false;
  const start = t.charCodeAt(0) === 45 ? 1 : 0;
  if (dot === start || (t.charCodeAt(start) === 48 && dot - start > 1)) return false;
  let zero = true;
  for (let i = start; i < n; i++) {
    if (i === dot) continue;
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    if (c !== 48) zero = false;
  }
  return !(zero && start === 1);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The common case without regular expressions: [-]d...[.d...] with a non-zero first digit. */
function plainDecimal(t: string): string | undefined {
  const start = t.charCodeAt(0) === 45 ? 1 : 0;
  const first = t.charCodeAt(start);
  if (!(first >= 49 && first <= 57)) return undefined;
  let dot = -1;
  for (let i = start + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 46 && dot < 0) dot = i;
    else if (!isDigit(c)) return undefined;
  }
  if (dot < 0) return t;
  let end = t.length;
  while (t.charCodeAt(end - 1) === 48) end--;
  if (end - 1 === dot) end--;
  return end === t.length ? t : t.slice(0, end);
}

/** Shortest round-trip text of a double (both engines' texts parse to the same bits when equal). */
export function canonicalFloat64(text: string): string {
  return floatText(Number(normaliseSpecial(text)));
}

/** Shortest text of the float32 nearest to the value (PostgreSQL real and MySQL FLOAT print differently). */
export function canonicalFloat32(text: string): string {
  return floatText(Math.fround(Number(normaliseSpecial(text))));
}

function normaliseSpecial(text: string): string {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return 'NaN';
  if (t === 'infinity' || t === 'inf') return 'Infinity';
  if (t === '-infinity' || t === '-inf') return '-Infinity';
  return text;
}

function floatText(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Booleans as 1/0: PostgreSQL prints t/f, MySQL BOOLEAN is TINYINT(1) and prints 1/0. */
export function canonicalBoolean(text: string): string {
  const t = text.trim().toLowerCase();
  if (t === 't' || t === 'true' || t === '1' || t === 'y' || t === 'yes' || t === 'on') return '1';
  if (t === 'f' || t === 'false' || t === '0' || t === 'n' || t === 'no' || t === 'off') return '0';
  return t;
}

/**
 * "YYYY-MM-DD HH:MM:SS.ffffff" (six fraction digits), from either engine's text in a UTC session: the
 * 'T' separator, a shorter fraction and a "+00"/"+00:00"/"Z" suffix are accepted; any other offset is
 * applied so the result is UTC.
 */
export function canonicalTimestamp(text: string): string {
  // Fast path: "YYYY-MM-DD HH:MM:SS[.f...]" with no zone, as both engines print it in a UTC session.
  const n = text.length;
  if (n >= 19 && n <= 26 && n !== 20 && text.charCodeAt(10) === 32 && text.charCodeAt(4) === 45 && isDigit(text.charCodeAt(0))) {
    if (n === 19) return `${text}.000000`;
    if (text.charCodeAt(19) === 46) {
      let digits = true;
      for (let i = 20; i < n; i++) if (!isDigit(text.charCodeAt(i))) digits = false;
      if (digits) return n === 26 ? text : text + '000000'.slice(n - 20);
    }
  }
  const m = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?( BC)?$/.exec(text.trim());
  if (!m) return text.trim();
  const [, date, hh, mm, ss, frac = '', zone, bc = ''] = m;
  const micros = (frac + '000000').slice(0, 6);
  if (zone === undefined || zone === 'Z' || /^[+-]00(:?00)?(:?00)?$/.test(zone)) return `${date} ${hh}:${mm}:${ss}.${micros}${bc}`;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replaceAll(':', '');
  const offsetSeconds = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60 + Number(digits.slice(4, 6) || 0));
  const utc = new Date(`${date}T${hh}:${mm}:${ss}Z`).getTime() - offsetSeconds * 1000;
  if (Number.isNaN(utc) || bc) return text.trim();
  return `${new Date(utc).toISOString().slice(0, 19).replace('T', ' ')}.${micros}`;
}

/** "HH:MM:SS.ffffff". */
export function canonicalTime(text: string): string {
  const m = /^(-?\d{2,3}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return text.trim();
  return `${m[1]}.${((m[2] ?? '') + '000000').slice(0, 6)}`;
}

/** JSON with object keys sorted and no whitespace; text that is not JSON is kept as it is. */
export function canonicalJson(text: string): string {
  try {
    return stringifySorted(JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

function stringifySorted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifySorted).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stringifySorted((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Lower-case hex without PostgreSQL's "\x" prefix. */
export function canonicalBytes(text: string): string {
  return (text.startsWith('\\x') ? text.slice(2) : text).toLowerCase();
}

const identity: Normaliser = (t) => t;
const integer: Normaliser = (t) => canonicalDecimal(t);

/** The normaliser for a column of this type (undefined type: compare the text as it is). */
export function normaliserFor(type: LogicalType | undefined): Normaliser {
  switch (type?.kind) {
    case 'boolean':
      return canonicalBoolean;
    case 'int16':
    case 'int32':
    case 'int64':
      return integer;
    case 'decimal':
      return canonicalDecimal;
    case 'float32':
      return canonicalFloat32;
    case 'float64':
      return canonicalFloat64;
    case 'bytes':
      return canonicalBytes;
    case 'timestamp':
    case 'timestamptz':
      return canonicalTimestamp;
    case 'time':
      return canonicalTime;
    case 'json':
      return canonicalJson;
    case 'uuid':
      return (t) => t.toLowerCase();
    default:
      return identity;
  }
}

/**
 * The normaliser for a pair of columns: both sides must use the same one. A float column compared with
 * a float32 one uses float32; otherwise the side-A type decides, with boolean winning over integers
 * (PostgreSQL boolean vs MySQL TINYINT).
 */
export function pairNormaliser(a: LogicalType | undefined, b: LogicalType | undefined): Normaliser {
  if (a?.kind === 'float32' || b?.kind === 'float32') return canonicalFloat32;
  // PostgreSQL prints char(n) blank-padded, MySQL strips the padding.
  if ((a?.kind === 'string' && a.fixed) || (b?.kind === 'string' && b.fixed)) return (t) => t.trimEnd();
  if (a?.kind === 'boolean' || b?.kind === 'boolean') return canonicalBoolean;
  if (a?.kind === 'json' || b?.kind === 'json') return canonicalJson;
  if (a?.kind === 'bytes' || b?.kind === 'bytes') return canonicalBytes;
  if (a?.kind === 'decimal' && b?.kind === 'decimal' && a.scale !== undefined && a.scale === b.scale) return decimalAtScale(a.scale);
  if (a?.kind === 'timestamp' || a?.kind === 'timestamptz' || b?.kind === 'timestamp' || b?.kind === 'timestamptz') return canonicalTimestamp;
  return normaliserFor(a ?? b);
}
