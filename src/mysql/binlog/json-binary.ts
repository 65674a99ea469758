import { ErrorCodes, TandemError } from '../../errors.js';
import { decodeBinaryDecimal } from './decimal.js';
import { ColumnType } from './event-types.js';

/*
 * MySQL's binary JSON (sql-common/json_binary.h), the value of a JSON column in rows events:
 *
 *   doc     ::= type value
 *   type    ::= 0x00 small object | 0x01 large object | 0x02 small array | 0x03 large array |
 *               0x04 literal | 0x05 int16 | 0x06 uint16 | 0x07 int32 | 0x08 uint32 | 0x09 int64 |
 *               0x0a uint64 | 0x0b double | 0x0c string | 0x0f opaque
 *   object  ::= count size key-entry{count} value-entry{count} keys values   (count, size, offsets:
 *   array   ::= count size value-entry{count} values                          u16 small, u32 large)
 *   key-entry   ::= key-offset key-length(u16)
 *   value-entry ::= type offset-or-inline (literal, int16, uint16 — and int32, uint32 when large — inline)
 *   string  ::= length(7 bits per byte, little end first, high bit = more) utf8mb4 bytes
 *   literal ::= 0x00 null | 0x01 true | 0x02 false
 *   opaque  ::= field-type(u8) length(as string) bytes   (DECIMAL, DATE, TIME, DATETIME, … inside JSON)
 * Offsets count from the first byte of the object or array (its count field). All integers little-endian.
 *
 * The text produced is MySQL's own printing of JSON: ", " between members, ": " after keys.
 */
export function binaryJsonToText(buf: Buffer): string {
  if (buf.length === 0) return 'null';
  return value(buf, buf[0]!, 1, buf.length);
}

const SMALL_OBJECT = 0x00;
const LARGE_OBJECT = 0x01;
const SMALL_ARRAY = 0x02;
const LARGE_ARRAY = 0x03;
const LITERAL = 0x04;
const INT16 = 0x05;
const UINT16 = 0x06;
const INT32 = 0x07;
const UINT32 = 0x08;
const INT64 = 0x09;
const UINT64 = 0x0a;
const DOUBLE = 0x0b;
const STRING = 0x0c;
const OPAQUE = 0x0f;

function bad(what: string): never {
  throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `malformed MySQL binary JSON: ${what}`);
}

function value(buf: Buffer, type: number, pos: number, end: number): string {
  switch (type) {
    case SMALL_OBJECT:
    case LARGE_OBJECT:
      return container(buf, pos, end, true, type === LARGE_OBJECT);
    case SMALL_ARRAY:
    case LARGE_ARRAY:
      return container(buf, pos, end, false, type === LARGE_ARRAY);
    case LITERAL:
      return literal(buf[pos]!);
    case INT16:
      return String(buf.readInt16LE(pos));
    case UINT16:
      return String(buf.readUInt16LE(pos));
    case INT32:
      return String(buf.readInt32LE(pos));
    case UINT32:
      return String(buf.readUInt32LE(pos));
    case INT64:
      return buf.readBigInt64LE(pos).toString();
    case UINT64:
      return buf.readBigUInt64LE(pos).toString();
    case DOUBLE:
      return formatDouble(buf.readDoubleLE(pos));
    case STRING: {
      const [length, start] = varLength(buf, pos);
      return quote(buf.toString('utf8', start, start + length));
    }
    case OPAQUE:
      return opaque(buf, pos);
    default:
      return bad(`unknown value type 0x${type.toString(16)}`);
  }
}

function literal(b: number): string {
  if (b === 0) return 'null';
  if (b === 1) return 'true';
  if (b === 2) return 'false';
  return bad(`unknown literal 0x${b.toString(16)}`);
}

function container(buf: Buffer, base: number, end: number, isObject: boolean, large: boolean): string {
  const w = large ? 4 : 2;
  const read = (p: number) => (large ? buf.readUInt32LE(p) : buf.readUInt16LE(p));
  const count = read(base);
  const size = read(base + w);
  if (base + size > end) bad('container extends past its value');
  const keyEntries = base + 2 * w;
  const valueEntries = keyEntries + (isObject ? count * (w + 2) : 0);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    if (isObject) {
      const k = keyEntries + i * (w + 2);
      const keyOffset = read(k);
      const keyLength = buf.readUInt16LE(k + w);
      text = `${quote(buf.toString('utf8', base + keyOffset, base + keyOffset + keyLength))}: `;
    }
    const e = valueEntries + i * (1 + w);
    const type = buf[e]!;
    const inline = type === LITERAL || type === INT16 || type === UINT16 || (large && (type === INT32 || type === UINT32));
    text += inline ? value(buf, type, e + 1, end) : value(buf, type, base + read(e + 1), base + size);
    parts.push(text);
  }
  return isObject ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
}

function varLength(buf: Buffer, pos: number): [number, number] {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    const b = buf[pos + i]!;
    length += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [length, pos + i + 1];
  }
  return bad('string length longer than 5 bytes');
}

function opaque(buf: Buffer, pos: number): string {
  const fieldType = buf[pos]!;
  const [length, start] = varLength(buf, pos + 1);
  const data = buf.subarray(start, start + length);
  switch (fieldType) {
    case ColumnType.NEWDECIMAL:
      // precision u8 | scale u8 | binary decimal
      return decodeBinaryDecimal(data, 2, data[0]!, data[1]!);
    case ColumnType.DATE:
    case ColumnType.TIME:
    case ColumnType.DATETIME:
    case ColumnType.TIMESTAMP:
      return quote(packedTemporalText(fieldType, data.readBigInt64LE(0)));
    default:
      return quote(`base64:type${fieldType}:${data.toString('base64')}`);
  }
}

/** MySQL's in-memory "packed" temporal (longlong) as MySQL prints it inside JSON. */
function packedTemporalText(fieldType: number, packed: bigint): string {
  const negative = packed < 0n;
  const abs = negative ? -packed : packed;
  const micros = Number(abs % (1n << 24n));
  const intpart = Number(abs >> 24n);
  const frac = micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (fieldType === ColumnType.TIME) {
    const hour = Math.floor(intpart / 4096) % 1024;
    return `${negative ? '-' : ''}${two(hour)}:${two(Math.floor(intpart / 64) % 64)}:${two(intpart % 64)}${frac}`;
  }
  const ymd = Math.floor(intpart / 131072);
  const hms = intpart % 131072;
  const ym = Math.floor(ymd / 32);
  const date = `${String(Math.floor(ym / 13)).padStart(4, '0')}-${two(ym % 13)}-${two(ymd % 32)}`;
  if (fieldType === ColumnType.DATE) return date;
  return `${date} ${two(Math.floor(hms / 4096))}:${two(Math.floor(hms / 64) % 64)}:${two(hms % 64)}${frac}`;
}

/** Shortest round-trip text, with MySQL's exponent spelling (1e100, 1.5e-7) and a ".0" on integral values. */
function formatDouble(d: number): string {
  const text = String(d);
  if (text.includes('e')) return text.replace('e+', 'e');
  return Number.isInteger(d) && Math.abs(d) < 1e15 ? `${text}.0` : text;
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20) {
      if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\b') out += '\\b';
      else if (ch === '\f') out += '\\f';
      else out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}
