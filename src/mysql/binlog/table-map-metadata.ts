import { ErrorCodes, TandemError } from '../../errors.js';
import type { Cursor } from './cursor.js';

/*
 * TABLE_MAP optional metadata (MySQL 8.0.1+, MariaDB 10.5+; binlog_row_metadata MINIMAL or FULL). It
 * follows the null bitmap and runs to the end of the event body:
 *
 *   optional_metadata = field*
 *   field             = type u8 | length packed | value[length]
 *
 * "packed" is the protocol's length-encoded integer. Values by type (which columns each list covers —
 * "numeric", "character", … — is decided per server flavor in ../table-map-facts.ts):
 *
 *    1 SIGNEDNESS                    bitmap, one bit per numeric column, most significant bit first; 1 = UNSIGNED
 *    2 DEFAULT_CHARSET               default collation packed | (character-column index packed | collation packed)*
 *                                    — the pairs list the character columns whose collation is not the default
 *    3 COLUMN_CHARSET                collation packed, per character column
 *    4 COLUMN_NAME                   (length packed | name bytes, utf8), per column
 *    5 SET_STR_VALUE                 per SET column: label count packed | (length packed | label bytes)*
 *    6 ENUM_STR_VALUE                per ENUM column: the same
 *    7 GEOMETRY_TYPE                 geometry type packed, per GEOMETRY column (0 geometry, 1 point, 2 linestring,
 *                                    3 polygon, 4 multipoint, 5 multilinestring, 6 multipolygon, 7 geometrycollection)
 *    8 SIMPLE_PRIMARY_KEY            column index packed, per primary key part
 *    9 PRIMARY_KEY_WITH_PREFIX       (column index packed | prefix length in characters packed, 0 = whole column)*
 *   10 ENUM_AND_SET_DEFAULT_CHARSET  as DEFAULT_CHARSET, over the ENUM and SET columns
 *   11 ENUM_AND_SET_COLUMN_CHARSET   as COLUMN_CHARSET, over the ENUM and SET columns
 *   12 COLUMN_VISIBILITY             bitmap over all columns, most significant bit first; 1 = visible (MySQL 8.0.23+)
 *   13 VECTOR_DIMENSIONALITY         dimensions packed, per VECTOR column (MySQL 9)
 *
 * MINIMAL logs 1-3 and 7; FULL adds 4-6 and 8-13. A field that would cover no column is left out (a
 * table without numeric columns has no SIGNEDNESS, one without a primary key neither 8 nor 9); the
 * label bytes are in the column's character set. Field types this decoder does not know are skipped.
 */
export const MetadataField = {
  SIGNEDNESS: 1,
  DEFAULT_CHARSET: 2,
  COLUMN_CHARSET: 3,
  COLUMN_NAME: 4,
  SET_STR_VALUE: 5,
  ENUM_STR_VALUE: 6,
  GEOMETRY_TYPE: 7,
  SIMPLE_PRIMARY_KEY: 8,
  PRIMARY_KEY_WITH_PREFIX: 9,
  ENUM_AND_SET_DEFAULT_CHARSET: 10,
  ENUM_AND_SET_COLUMN_CHARSET: 11,
  COLUMN_VISIBILITY: 12,
} as const;

/** Collations of a column subset, in either of the two logged forms. */
export type CollationList =
  | { form: 'default'; collation: number; exceptions: ReadonlyMap<number, number> }
  | { form: 'per-column'; collations: readonly number[] };

/** The optional metadata of one TABLE_MAP, undecided as to which column each entry belongs to. */
export interface TableMapMetadata {
  /** SIGNEDNESS, as its raw bitmap. */
  signedness?: Buffer;
  charsets?: CollationList;
  columnNames?: string[];
  /** Labels per SET column, as bytes in the column's character set. */
  setLabels?: Buffer[][];
  enumLabels?: Buffer[][];
  geometryTypes?: number[];
  /** Primary key parts as column indexes, in key order (from either primary key field). */
  primaryKey?: number[];
  enumSetCharsets?: CollationList;
}

export function decodeTableMapMetadata(c: Cursor): TableMapMetadata {
  const out: TableMapMetadata = {};
  while (c.remaining > 0) {
    const type = c.u8();
    const length = c.packed();
    c.need(length);
    const end = c.pos + length;
    switch (type) {
      case MetadataField.SIGNEDNESS:
        out.signedness = c.bytes(length);
        break;
      case MetadataField.DEFAULT_CHARSET:
        out.charsets = defaultCollations(c, end);
        break;
      case MetadataField.COLUMN_CHARSET:
        out.charsets = perColumnCollations(c, end);
        break;
      case MetadataField.COLUMN_NAME:
        out.columnNames = [];
        while (c.pos < end) out.columnNames.push(c.utf8(c.packed()));
        break;
      case MetadataField.SET_STR_VALUE:
        out.setLabels = labelLists(c, end);
        break;
      case MetadataField.ENUM_STR_VALUE:
        out.enumLabels = labelLists(c, end);
        break;
      case MetadataField.GEOMETRY_TYPE:
        out.geometryTypes = packedList(c, end);
        break;
      case MetadataField.SIMPLE_PRIMARY_KEY:
        out.primaryKey = packedList(c, end);
        break;
      case MetadataField.PRIMARY_KEY_WITH_PREFIX: {
        const parts = packedList(c, end);
        out.primaryKey = parts.filter((_, i) => i % 2 === 0);
        break;
      }
      case MetadataField.ENUM_AND_SET_DEFAULT_CHARSET:
        out.enumSetCharsets = defaultCollations(c, end);
        break;
      case MetadataField.ENUM_AND_SET_COLUMN_CHARSET:
        out.enumSetCharsets = perColumnCollations(c, end);
        break;
      default:
        c.pos = end; // COLUMN_VISIBILITY (invisible columns are in the rows all the same), VECTOR_DIMENSIONALITY, newer fields
    }
    if (c.pos !== end) {
      throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `TABLE_MAP optional metadata field ${type} is ${length} bytes, but its entries take ${c.pos - (end - length)}`);
    }
  }
  return out;
}

/** The collation of the index-th column of the subset, or undefined when the list does not reach it. */
export function collationAt(list: CollationList, index: number): number | undefined {
  return list.form === 'default' ? (list.exceptions.get(index) ?? list.collation) : list.collations[index];
}

function packedList(c: Cursor, end: number): number[] {
  const out: number[] = [];
  while (c.pos < end) out.push(c.packed());
  return out;
}

function defaultCollations(c: Cursor, end: number): CollationList {
  const collation = c.packed();
  const exceptions = new Map<number, number>();
  while (c.pos < end) exceptions.set(c.packed(), c.packed());
  return { form: 'default', collation, exceptions };
}

function perColumnCollations(c: Cursor, end: number): CollationList {
  return { form: 'per-column', collations: packedList(c, end) };
}

function labelLists(c: Cursor, end: number): Buffer[][] {
  const out: Buffer[][] = [];
  while (c.pos < end) {
    const count = c.packed();
    const labels: Buffer[] = [];
    for (let i = 0; i < count; i++) labels.push(c.bytes(c.packed()));
    out.push(labels);
  }
  return out;
}
