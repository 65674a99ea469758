import { ErrorCodes, TandemError } from '../../errors.js';
import { Cursor } from './cursor.js';
import { ColumnType, EventType } from './event-types.js';
import { bodyCursor, postHeaderLength, type BinlogFormat } from './events.js';
import { decodeTableMapMetadata, type TableMapMetadata } from './table-map-metadata.js';

/*
 * TABLE_MAP (19):
 *   post-header: table_id u48 (u32 when the post-header is 6 bytes) | flags u16
 *   body: db_len u8 | db | NUL | table_len u8 | table | NUL | column_count packed | column_type u8[n] |
 *         metadata_len packed | metadata (per column, see columnMeta) | null_bitmap[(n+7)/8] |
 *         optional metadata (MySQL 8 / MariaDB 10.5+ binlog_row_metadata; grammar in table-map-metadata.ts)
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
  /** Decoded when first read. */
  readonly columns: MappedColumn[];
  /** The optional metadata (empty with binlog_row_metadata NO_LOG or on older servers); decoded when first read. */
  readonly metadata: TableMapMetadata;
  /**
   * Everything after the table name (column count, types, type metadata, null bitmap, optional metadata)
   * as a string: equal keys mean an equal table description, whatever the table id.
   */
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

/**
 * The TABLE_MAP's table id, names and layout key at once; its columns and optional metadata are decoded
 * when first read, so a TABLE_MAP seen before (same layout key: one per transaction) costs little.
 */
export function decodeTableMap(buf: Buffer, format: BinlogFormat): TableMap {
  const { tableId, database, table, cursor: c } = decodeTableMapHead(buf, format);
  return new DecodedTableMap(buf, tableId, database, table, c.pos, c.end);
}

class DecodedTableMap implements TableMap {
  readonly layoutKey: string;
  #columns: MappedColumn[] | undefined;
  #metadata: TableMapMetadata | undefined;
  #metadataStart = 0;

  constructor(
    private readonly buf: Buffer,
    readonly tableId: number,
    readonly database: string,
    readonly table: string,
    private readonly layoutStart: number,
    private readonly end: number,
  ) {
    this.layoutKey = buf.toString('latin1', layoutStart, end);
  }

  get columns(): MappedColumn[] {
    return (this.#columns ??= this.#decodeColumns());
  }

  get metadata(): TableMapMetadata {
    this.#columns ??= this.#decodeColumns();
    return (this.#metadata ??= decodeTableMapMetadata(new Cursor(this.buf, this.#metadataStart, this.end)));
  }

  #decodeColumns(): MappedColumn[] {
    const c = new Cursor(this.buf, this.layoutStart, this.end);
    const count = c.packed();
    const types = c.bytes(count);
    const metaLength = c.packed();
    const metaEnd = c.pos + metaLength;
    const columns: MappedColumn[] = [];
    for (let i = 0; i < count; i++) columns.push(decodeColumnMeta(types[i]!, c));
    if (c.pos !== metaEnd) {
      throw new TandemError(
        ErrorCodes.MYSQL_PROTOCOL,
        `TABLE_MAP of ${this.database}.${this.table}: column metadata is ${metaLength} bytes but the types account for ${c.pos - (metaEnd - metaLength)}`,
      );
    }
    const nullBits = c.bytes((count + 7) >> 3);
    for (let i = 0; i < count; i++) columns[i]!.nullable = (nullBits[i >> 3]! & (1 << (i & 7))) !== 0;
    this.#metadataStart = c.pos;
    return columns;
  }
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
