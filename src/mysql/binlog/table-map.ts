import { ErrorCodes, TandemError } from '../../errors.js';
import { Cursor } from './cursor.js';
import { ColumnType, EventType } from './event-types.js';
import { bodyCursor, postHeaderLength, type BinlogFormat } from './events.js';

/*
 * TABLE_MAP (19):
 *   post-header: table_id u48 (u32 when the post-header is 6 bytes) | flags u16
 *   body: db_len u8 | db | NUL | table_len u8 | table | NUL | column_count packed | column_type u8[n] |
 *         metadata_len packed | metadata (per column, see columnMeta) | null_bitmap[(n+7)/8] |
 *         optional metadata: TLV* (type u8 | length packed | value), MySQL 8 / MariaDB 10.5+ binlog_row_metadata
 */

/** Per-column type facts the binlog carries (see decodeColumnMeta for the metadata of each type). */
export interface MappedColumn {
  /** The binlog type: for CHAR/ENUM/SET the real type taken from the metadata (STRING, ENUM or SET). */
  type: number;
  /** FLOAT/DOUBLE: pack length; BLOB/GEOMETRY/JSON: length bytes; VARCHAR/STRING: max byte length; ENUM/SET: pack length; temporal2: fsp; BIT: bits. */
  length: number;
  /** NEWDECIMAL: precision and scale. */
  precision: number;
  scale: number;
  nullable: boolean;
}

export interface TableMap {
  tableId: number;
  database: string;
  table: string;
  columns: MappedColumn[];
  /** Column names from the optional metadata (binlog_row_metadata=FULL), else undefined. */
  columnNames: string[] | undefined;
  /** The raw type + metadata bytes: equal bytes mean an equal column layout. */
  layoutKey: string;
}

/** Reads only the table id of a TABLE_MAP or rows event (cheap filter before full decoding). */
export function readTableId(c: Cursor, format: BinlogFormat, type: number): number {
  return postHeaderLength(format, type, 8) === 6 ? c.u32() : c.u48();
}

export function decodeTableMapHead(buf: Buffer, format: BinlogFormat): { tableId: number; database: string; table: string; cursor: Cursor } {
  const c = bodyCursor(buf, format);
  const tableId = readTableId(c, format, EventType.TABLE_MAP);
  c.skip(2);
  const dbLength = c.u8();
  const database = c.utf8(dbLength);
  c.skip(1);
  const tableLength = c.u8();
  const table = c.utf8(tableLength);
  c.skip(1);
  return { tableId, database, table, cursor: c };
}

export function decodeTableMap(buf: Buffer, format: BinlogFormat): TableMap {
  const { tableId, database, table, cursor: c } = decodeTableMapHead(buf, format);
  const count = c.packed();
  const typesStart = c.pos;
  const types = c.bytes(count);
  const metaLength = c.packed();
  const metaEnd = c.pos + metaLength;
  const layoutKey = buf.toString('latin1', typesStart, metaEnd);
  const columns: MappedColumn[] = [];
  for (let i = 0; i < count; i++) columns.push(decodeColumnMeta(types[i]!, c));
  if (c.pos !== metaEnd) {
    throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `TABLE_MAP of ${database}.${table}: column metadata is ${metaLength} bytes but the types account for ${c.pos - (metaEnd - metaLength)}`);
  }
  const nullBits = c.bytes((count + 7) >> 3);
  for (let i = 0; i < count; i++) columns[i]!.nullable = (nullBits[i >> 3]! & (1 << (i & 7))) !== 0;
  return { tableId, database, table, columns, columnNames: readColumnNames(c), layoutKey };
}

/*
 * Column metadata by type:
 *   FLOAT, DOUBLE: u8 pack length          BLOB, GEOMETRY, JSON, BLOB_COMPRESSED: u8 length-prefix bytes
 *   VARCHAR, VAR_STRING, VARCHAR_COMPRESSED: u16 max byte length
 *   NEWDECIMAL: u8 precision | u8 scale    BIT: u8 bits mod 8 | u8 whole bytes
 *   TIMESTAMP2, DATETIME2, TIME2: u8 fractional-second precision
 *   STRING (CHAR, ENUM, SET): b0 | b1 — if (b0 & 0x30) != 0x30 the real type is b0 | 0x30 and the max
 *     length b1 | (((b0 & 0x30) ^ 0x30) << 4) (CHAR longer than 255 bytes); else real type b0, length b1
 *   ENUM, SET (direct): u8 real type | u8 pack length
 *   others: none
 */
function decodeColumnMeta(type: number, c: Cursor): MappedColumn {
  const col: MappedColumn = { type, length: 0, precision: 0, scale: 0, nullable: false };
  switch (type) {
    case ColumnType.FLOAT:
    case ColumnType.DOUBLE:
    case ColumnType.BLOB:
    case ColumnType.TINY_BLOB:
    case ColumnType.MEDIUM_BLOB:
    case ColumnType.LONG_BLOB:
    case ColumnType.GEOMETRY:
    case ColumnType.JSON:
    case ColumnType.BLOB_COMPRESSED:
    case ColumnType.TIMESTAMP2:
    case ColumnType.DATETIME2:
    case ColumnType.TIME2:
      col.length = c.u8();
      break;
    case ColumnType.VARCHAR:
    case ColumnType.VAR_STRING:
    case ColumnType.VARCHAR_COMPRESSED:
    case ColumnType.VECTOR:
      col.length = c.u16();
      break;
    case ColumnType.NEWDECIMAL:
      col.precision = c.u8();
      col.scale = c.u8();
      break;
    case ColumnType.BIT: {
      const bits = c.u8();
      const bytes = c.u8();
      col.length = bytes * 8 + bits;
      break;
    }
    case ColumnType.STRING:
    case ColumnType.ENUM:
    case ColumnType.SET: {
      const b0 = c.u8();
      const b1 = c.u8();
      if ((b0 & 0x30) !== 0x30) {
        col.type = b0 | 0x30;
        col.length = b1 | (((b0 & 0x30) ^ 0x30) << 4);
      } else {
        col.type = b0;
        col.length = b1;
      }
      break;
    }
    default:
      break;
  }
  return col;
}

const OptionalMetadata = { COLUMN_NAME: 4 } as const;

function readColumnNames(c: Cursor): string[] | undefined {
  while (c.remaining > 0) {
    const type = c.u8();
    const length = c.packed();
    const end = c.pos + length;
    if (type === OptionalMetadata.COLUMN_NAME) {
      const names: string[] = [];
      while (c.pos < end) names.push(c.utf8(c.packed()));
      return names;
    }
    c.pos = end;
  }
  return undefined;
}
