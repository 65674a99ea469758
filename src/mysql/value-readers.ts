import { ErrorCodes, TandemError } from '../errors.js';
import type { Value } from '../model/logical-type.js';
import type { Cursor } from './binlog/cursor.js';
import { decimalBinarySize, decodeBinaryDecimal } from './binlog/decimal.js';
import { ColumnType } from './binlog/event-types.js';
import { binaryJsonToText } from './binlog/json-binary.js';
import type { MappedColumn } from './binlog/table-map.js';
import {
  dateTimeMicros,
  daysFromCivil,
  decodeDate,
  decodeDatetime2,
  decodeDatetimeV1,
  decodeTime2Micros,
  decodeTimeV1Micros,
  fractionBytes,
  isZeroInDate,
  readFractionMicros,
} from './binlog/temporal.js';
import type { CatalogColumn } from './catalog-column.js';
import { textDecoderFor } from './charsets.js';
import { formatInet4, formatInet6 } from './inet.js';

/** Reads one non-NULL column value from a rows event; null only for a zero date under zeroDates: 'null'. */
export type ValueReader = (c: Cursor) => Value | null;

export type ZeroDateTreatment = 'null' | 'error';

export interface ReaderContext {
  /** "db.table.column", for errors. */
  where: string;
  zeroDates: ZeroDateTreatment;
}

const T = ColumnType;

/**
 * The reader for a column whose binlog layout is `mapped` and whose catalog facts are `col`. The
 * caller has checked that the binlog type is one of the column's expected types (table-versions.ts).
 */
export function valueReader(col: CatalogColumn, mapped: MappedColumn, ctx: ReaderContext): ValueReader {
  switch (mapped.type) {
    case T.TINY:
      return col.unsigned ? (c) => c.u8() : (c) => c.buf.readInt8(c.pos++);
    case T.SHORT:
      return col.unsigned ? (c) => c.u16() : (c) => ((c.pos += 2), c.buf.readInt16LE(c.pos - 2));
    case T.INT24:
      return col.unsigned ? (c) => c.u24() : (c) => ((c.pos += 3), c.buf.readIntLE(c.pos - 3, 3));
    case T.LONG:
      return col.unsigned ? (c) => BigInt(c.u32()) : (c) => ((c.pos += 4), c.buf.readInt32LE(c.pos - 4));
    case T.LONGLONG:
      return col.unsigned ? (c) => c.u64().toString() : (c) => ((c.pos += 8), c.buf.readBigInt64LE(c.pos - 8));
    case T.FLOAT:
      return (c) => ((c.pos += 4), c.buf.readFloatLE(c.pos - 4));
    case T.DOUBLE:
      return (c) => ((c.pos += 8), c.buf.readDoubleLE(c.pos - 8));
    case T.NEWDECIMAL: {
      const size = decimalBinarySize(mapped.precision, mapped.scale);
      return (c) => {
        c.need(size);
        const text = decodeBinaryDecimal(c.buf, c.pos, mapped.precision, mapped.scale);
        c.pos += size;
        return text;
      };
    }
    case T.YEAR:
      return (c) => {
        const v = c.u8();
        return v === 0 ? 0 : 1900 + v;
      };
    case T.BIT:
      return bitReader(mapped.length, col);
    case T.DATE:
    case T.NEWDATE:
      return (c) => {
        const d = decodeDate(c.u24());
        return isZeroInDate(d) ? zeroValue(ctx, formatDateParts(d)) : daysFromCivil(d.year, d.month, d.day);
      };
    case T.DATETIME2: {
      const size = 5 + fractionBytes(mapped.length);
      return (c) => {
        c.need(size);
        const d = decodeDatetime2(c.buf, c.pos, mapped.length);
        c.pos += size;
        return isZeroInDate(d) ? zeroValue(ctx, formatDateParts(d)) : dateTimeMicros(d);
      };
    }
    case T.DATETIME:
      return (c) => {
        const d = decodeDatetimeV1(Number(c.u64()));
        return isZeroInDate(d) ? zeroValue(ctx, formatDateParts(d)) : dateTimeMicros(d);
      };
    case T.TIMESTAMP2: {
      const fracBytes = fractionBytes(mapped.length);
      return (c) => {
        c.need(4 + fracBytes);
        const seconds = c.buf.readUInt32BE(c.pos);
        const micros = readFractionMicros(c.buf, c.pos + 4, mapped.length);
        c.pos += 4 + fracBytes;
        if (seconds === 0 && micros === 0) return zeroValue(ctx, '0000-00-00 00:00:00');
        return BigInt(seconds) * 1_000_000n + BigInt(micros);
      };
    }
    case T.TIMESTAMP:
      return (c) => {
        const seconds = c.u32();
        return seconds === 0 ? zeroValue(ctx, '0000-00-00 00:00:00') : BigInt(seconds) * 1_000_000n;
      };
    case T.TIME2: {
      const size = 3 + fractionBytes(mapped.length);
      return (c) => {
        c.need(size);
        const micros = decodeTime2Micros(c.buf, c.pos, mapped.length);
        c.pos += size;
        return { months: 0, days: 0, micros };
      };
    }
    case T.TIME:
      return (c) => ({ months: 0, days: 0, micros: decodeTimeV1Micros(c.buf.readIntLE((c.pos += 3) - 3, 3)) });
    case T.VARCHAR:
    case T.VAR_STRING:
      return stringReader(col, mapped.length < 256 ? 1 : 2, ctx);
    case T.STRING:
      return fixedStringReader(col, mapped.length, ctx);
    case T.BLOB:
    case T.GEOMETRY:
      return stringReader(col, mapped.length, ctx);
    case T.JSON:
      return (c) => binaryJsonToText(c.bytes(c.uintLE(mapped.length)));
    case T.ENUM:
      return enumReader(col, mapped.length, ctx);
    case T.SET:
      return setReader(col, mapped.length);
    default:
      throw new TandemError(ErrorCodes.VALUE_UNSUPPORTED, `${ctx.where}: binlog column type ${mapped.type} is not supported`);
  }
}

function zeroValue(ctx: ReaderContext, text: string): null {
  if (ctx.zeroDates === 'null') return null;
  throw new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `${ctx.where} holds the zero date ${text}, which has no calendar value; fix the row, or set the node's mysql.zeroDates: null to carry such values as NULL`,
  );
}

function formatDateParts(d: { year: number; month: number; day: number }): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** BIT(n): ⌈n/8⌉ bytes big-endian. BIT(1) is a boolean, wider BITs their bytes. */
function bitReader(bits: number, col: CatalogColumn): ValueReader {
  const bytes = (bits + 7) >> 3;
  if ((col.numericPrecision ?? bits) === 1) return (c) => (c.bytes(bytes)[bytes - 1]! & 1) === 1;
  return (c) => c.copy(bytes);
}

/** Length-prefixed bytes (VARCHAR: 1 or 2 bytes; BLOB/TEXT/GEOMETRY: 1-4 bytes), as text or bytes by charset. */
function stringReader(col: CatalogColumn, prefixBytes: number, ctx: ReaderContext): ValueReader {
  if (col.charset === null || col.charset === 'binary') return (c) => c.copy(c.uintLE(prefixBytes));
  const decode = textDecoderFor(col.charset, ctx.where);
  return (c) => {
    const length = c.uintLE(prefixBytes);
    c.need(length);
    const text = decode(c.buf, c.pos, c.pos + length);
    c.pos += length;
    return text;
  };
}

/**
 * CHAR / BINARY / UUID / INET4 / INET6 (binlog STRING): a 1- or 2-byte length, then the bytes with the
 * pad character stripped (space for CHAR, 0x00 for BINARY). BINARY(n) is padded back to n bytes, as
 * SELECT returns it; CHAR stays unpadded, as SELECT returns it.
 */
function fixedStringReader(col: CatalogColumn, maxBytes: number, ctx: ReaderContext): ValueReader {
  const prefix = maxBytes < 256 ? 1 : 2;
  switch (col.dataType) {
    case 'uuid':
      return (c) => formatUuid(padded(c.bytes(c.uintLE(prefix)), 16));
    case 'inet6':
      return (c) => formatInet6(padded(c.bytes(c.uintLE(prefix)), 16));
    case 'inet4':
      return (c) => formatInet4(padded(c.bytes(c.uintLE(prefix)), 4));
    case 'binary': {
      const width = col.charMaxLength ?? maxBytes;
      return (c) => padded(c.bytes(c.uintLE(prefix)), width, true);
    }
    default:
      return stringReader(col, prefix, ctx);
  }
}

function padded(b: Buffer, width: number, copy = false): Buffer {
  if (b.length >= width) return copy ? Buffer.from(b) : b;
  const out = Buffer.alloc(width);
  b.copy(out);
  return out;
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function enumReader(col: CatalogColumn, packLength: number, ctx: ReaderContext): ValueReader {
  const labels = col.labels ?? [];
  return (c) => {
    const index = c.uintLE(packLength);
    if (index === 0) {
      throw new TandemError(
        ErrorCodes.VALUE_UNSUPPORTED,
        `${ctx.where} holds ENUM index 0, the empty error value MySQL stores for an invalid label in non-strict mode; it is none of the labels, fix the row (and enable strict sql_mode)`,
      );
    }
    const label = labels[index - 1];
    if (label === undefined) {
      throw new TandemError(ErrorCodes.MYSQL_TABLE_MISMATCH, `${ctx.where}: ENUM index ${index} is beyond the ${labels.length} labels the reader knows; the column definition is stale`);
    }
    return label;
  };
}

/** SET: a little-endian bit mask of 1-8 bytes; the value is the labels of the set bits, in declaration order, joined by ",". */
function setReader(col: CatalogColumn, packLength: number): ValueReader {
  const labels = col.labels ?? [];
  return (c) => {
    let mask = 0n;
    for (let i = 0; i < packLength; i++) mask |= BigInt(c.u8()) << BigInt(8 * i);
    const parts: string[] = [];
    for (let i = 0; i < labels.length; i++) if ((mask >> BigInt(i)) & 1n) parts.push(labels[i]!);
    return parts.join(',');
  };
}
