import type { LogicalType, Value } from '../model/logical-type.js';
import { formatArray, parseArray } from './types-array.js';
import { badValue, malformed } from './types-common.js';
import { formatInterval, parseInterval } from './types-interval.js';
import { formatDecimal, formatFloat32, formatFloat64, parseBigInt, parseDecimal, parseFloat32, parseFloat64, parseSmallInt } from './types-numeric.js';
import {
  formatDate,
  formatTime,
  formatTimestamp,
  formatTimeTz,
  parseDate,
  parseTime,
  parseTimestamp,
  parseTimeTz,
} from './types-temporal.js';

/**
 * PostgreSQL text values (pgoutput in text mode) ⇄ the in-memory values of src/model/logical-type.ts.
 *
 * parsePgText reads the text a type's output function produces in a session running with
 * REPLICATION_SESSION_OPTIONS; formatPgText writes text the type's input function reads back to the same
 * value under any session settings. The grammar of each form is documented above its parser
 * (types-numeric.ts, types-temporal.ts, types-interval.ts, types-array.ts and below).
 *
 * Malformed text (not what PostgreSQL prints) → TandemError PG_PROTOCOL; well-formed text the value model
 * cannot hold (multi-dimensional arrays, arrays with explicit bounds) → TandemError VALUE_UNSUPPORTED.
 */
export function parsePgText(type: LogicalType, text: string): Value {
  switch (type.kind) {
    case 'int32':
      return parseSmallInt(type, text, -2147483648, 2147483647);
    case 'int64':
      return parseBigInt(type, text);
    case 'string':
    case 'enum':
    case 'json':
      return text;
    case 'timestamptz':
      return parseTimestamp(type, text, true);
    case 'timestamp':
      return parseTimestamp(type, text, false);
    case 'decimal':
      return parseDecimal(type, text);
    case 'boolean':
      return parseBoolean(type, text);
    case 'int16':
      return parseSmallInt(type, text, -32768, 32767);
    case 'float64':
      return parseFloat64(type, text);
    case 'float32':
      return parseFloat32(type, text);
    case 'date':
      return parseDate(type, text);
    case 'uuid':
      return parseUuid(type, text);
    case 'bytes':
      return parseBytea(type, text);
    case 'time':
      return parseTime(type, text);
    case 'timetz':
      return parseTimeTz(type, text);
    case 'interval':
      return parseInterval(type, text);
    case 'array':
      return parseArray(type, text, parsePgText);
  }
}

/** Text PostgreSQL's input function for the type reads back to exactly `value`. */
export function formatPgText(type: LogicalType, value: Value): string {
  switch (type.kind) {
    case 'boolean':
      if (typeof value !== 'boolean') throw badValue(type, value, 'a boolean');
      return value ? 't' : 'f';
    case 'int16':
    case 'int32':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badValue(type, value, 'an integer number');
      return String(value);
    case 'int64':
      if (typeof value !== 'bigint') throw badValue(type, value, 'a bigint');
      return value.toString();
    case 'decimal':
      return formatDecimal(type, value);
    case 'float32':
      return formatFloat32(type, value);
    case 'float64':
      return formatFloat64(type, value);
    case 'string':
    case 'enum':
    case 'json':
      if (typeof value !== 'string') throw badValue(type, value, 'a string');
      return value;
    case 'uuid':
      if (typeof value !== 'string') throw badValue(type, value, 'a uuid string');
      return value;
    case 'bytes':
      if (!Buffer.isBuffer(value)) throw badValue(type, value, 'a Buffer');
      return `\\x${value.toString('hex')}`;
    case 'date':
      return formatDate(type, value);
    case 'time':
      return formatTime(type, value);
    case 'timetz':
      return formatTimeTz(type, value);
    case 'timestamp':
      return formatTimestamp(type, value, false);
    case 'timestamptz':
      return formatTimestamp(type, value, true);
    case 'interval':
      return formatInterval(type, value);
    case 'array':
      return formatArray(type, value, formatPgText as (t: LogicalType, v: unknown) => string);
  }
}

/* boolean (boolout): 't' | 'f' */
function parseBoolean(type: LogicalType, text: string): boolean {
  if (text === 't') return true;
  if (text === 'f') return false;
  throw malformed(type, text, "'t' or 'f'");
}

/* uuid (uuid_out): hex{8} '-' hex{4} '-' hex{4} '-' hex{4} '-' hex{12}, lower case */
function parseUuid(type: LogicalType, text: string): string {
  if (text.length !== 36) throw malformed(type, text, 'a uuid like 0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a');
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    const ok = i === 8 || i === 13 || i === 18 || i === 23 ? c === 45 : (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
    if (!ok) throw malformed(type, text, 'a lower-case uuid like 0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a');
  }
  return text;
}

/* bytea (byteaout, bytea_output=hex): '\x' hex* (two lower-case hex digits per byte) */
function parseBytea(type: LogicalType, text: string): Buffer {
  if (text.charCodeAt(0) !== 92 || text.charCodeAt(1) !== 120 || (text.length & 1) !== 0) {
    throw malformed(type, text, 'hex bytea text like \\x0a1b (bytea_output=hex)');
  }
  const buf = Buffer.from(text.slice(2), 'hex');
  // Buffer.from stops silently at the first non-hex pair: a short result means bad input.
  if (buf.length * 2 !== text.length - 2) throw malformed(type, text, 'hex bytea text like \\x0a1b (bytea_output=hex)');
  return buf;
}
