import { ErrorCodes, TandemError } from '../../errors.js';
import type { RowImage } from '../../model/change-event.js';
import type { Cursor } from './cursor.js';
import { EventType } from './event-types.js';
import { bodyCursor, postHeaderLength, type BinlogFormat } from './events.js';
import { readTableId } from './table-map.js';

/*
 * WRITE_ROWS / UPDATE_ROWS / DELETE_ROWS, v1 (MariaDB, MySQL 5.1-5.5: types 23-25) and v2 (MySQL 5.6+: 30-32):
 *
 *   post-header: table_id u48 | flags u16 | [v2: extra_data_length u16 (counting itself) | extra data]
 *   body: column_count packed | columns_present bitmap[(n+7)/8] |
 *         [UPDATE: columns_present_after bitmap[(n+7)/8]] |
 *         row* where row = image [UPDATE: image]
 *   image: null bitmap over the *present* columns [(present+7)/8] | the present, non-NULL values in column order
 *
 * flags bit 0 (STMT_END_F) marks the last rows event of a statement.
 */
export type RowsKind = 'write' | 'update' | 'delete';

export function rowsKindOf(type: number): RowsKind | undefined {
  switch (type) {
    case EventType.WRITE_ROWS_V1:
    case EventType.WRITE_ROWS_V2:
      return 'write';
    case EventType.UPDATE_ROWS_V1:
    case EventType.UPDATE_ROWS_V2:
      return 'update';
    case EventType.DELETE_ROWS_V1:
    case EventType.DELETE_ROWS_V2:
      return 'delete';
    default:
      return undefined;
  }
}

export interface RowsEventHead {
  kind: RowsKind;
  tableId: number;
  flags: number;
  columnCount: number;
  /** The cursor, positioned at the first row. */
  cursor: Cursor;
}

export function readRowsTableId(buf: Buffer, format: BinlogFormat, type: number): number {
  return readTableId(bodyCursor(buf, format), format, type);
}

/**
 * Reads the rows event's header and checks that every row image holds every column (binlog_row_image
 * FULL); a partial image would silently lose values, so it is refused.
 */
export function decodeRowsHead(buf: Buffer, format: BinlogFormat, type: number, kind: RowsKind, what: () => string): RowsEventHead {
  const c = bodyCursor(buf, format);
  const tableId = readTableId(c, format, type);
  const flags = c.u16();
  const v2 = type >= EventType.WRITE_ROWS_V2;
  if (v2 && postHeaderLength(format, type, 10) >= 10) c.skip(c.u16() - 2);
  const columnCount = c.packed();
  const bitmapBytes = (columnCount + 7) >> 3;
  checkFull(c.bytes(bitmapBytes), columnCount, what);
  if (kind === 'update') checkFull(c.bytes(bitmapBytes), columnCount, what);
  return { kind, tableId, flags, columnCount, cursor: c };
}

function checkFull(bitmap: Buffer, count: number, what: () => string): void {
  for (let i = 0; i < count; i++) {
    if ((bitmap[i >> 3]! & (1 << (i & 7))) === 0) {
      throw new TandemError(
        ErrorCodes.MYSQL_PRECONDITION,
        `${what()}: a rows event leaves out column ${i + 1}, so the session that wrote it had binlog_row_image other than FULL; set binlog_row_image=FULL globally (SET GLOBAL binlog_row_image = 'FULL', and in the server's configuration) and make sure no session overrides it`,
      );
    }
  }
}

export type ColumnValueReader = (c: Cursor) => RowImage[string];

/** Reads one full row image: every column present, NULLs flagged in the leading bitmap. */
export function readRowImage(c: Cursor, names: readonly string[], readers: readonly ColumnValueReader[]): RowImage {
  const count = names.length;
  const nullBytes = (count + 7) >> 3;
  c.need(nullBytes);
  const nullStart = c.pos;
  c.pos += nullBytes;
  const image: RowImage = {};
  const buf = c.buf;
  for (let i = 0; i < count; i++) {
    image[names[i]!] = (buf[nullStart + (i >> 3)]! & (1 << (i & 7))) !== 0 ? null : readers[i]!(c);
  }
  return image;
}
