import { ColumnType } from './binlog/event-types.js';
import { collationAt, type CollationList } from './binlog/table-map-metadata.js';
import type { TableMap } from './binlog/table-map.js';
import type { MysqlFlavor } from './mysql-position.js';

/** What a TABLE_MAP's optional metadata says about one column (undefined: not logged). */
export interface ColumnFacts {
  name: string | undefined;
  /** Numeric columns. */
  unsigned: boolean | undefined;
  /** Character, ENUM and SET columns. */
  collation: number | undefined;
  /** ENUM and SET columns: the labels in declaration order, as bytes in the column's character set. */
  labels: Buffer[] | undefined;
  geometryType: number | undefined;
}

export interface TableMapFacts {
  columns: ColumnFacts[];
  /** Primary key parts as column indexes; undefined when not logged (no FULL metadata, or no primary key). */
  primaryKey: number[] | undefined;
  /** Why the TABLE_MAP alone does not describe the table; undefined when it does (binlog_row_metadata=FULL). */
  incomplete: string | undefined;
}

const T = ColumnType;

/*
 * Which columns each optional metadata list covers, by the column's real binlog type (ENUM and SET
 * resolved from STRING's metadata). MySQL (sql/log_event.cc): numeric = TINY, SHORT, INT24, LONG,
 * LONGLONG, NEWDECIMAL, FLOAT, DOUBLE; character = STRING, VAR_STRING, VARCHAR, BLOB (and VECTOR in 9.x).
 * MariaDB decides by the field's own type info: YEAR counts as numeric (always unsigned) and GEOMETRY
 * as character (binary collation) — as the TABLE_MAPs captured from MariaDB 10.11 show.
 */
function isNumeric(type: number, flavor: MysqlFlavor): boolean {
  switch (type) {
    case T.TINY:
    case T.SHORT:
    case T.INT24:
    case T.LONG:
    case T.LONGLONG:
    case T.NEWDECIMAL:
    case T.FLOAT:
    case T.DOUBLE:
      return true;
    case T.YEAR:
      return flavor === 'mariadb';
    default:
      return false;
  }
}

function isCharacter(type: number, flavor: MysqlFlavor): boolean {
  switch (type) {
    case T.STRING:
    case T.VAR_STRING:
    case T.VARCHAR:
    case T.BLOB:
    case T.VECTOR:
    case T.BLOB_COMPRESSED:
    case T.VARCHAR_COMPRESSED:
      return true;
    case T.GEOMETRY:
      return flavor === 'mariadb';
    default:
      return false;
  }
}

/**
 * Assigns the TABLE_MAP's optional metadata to its columns. A list whose length does not fit the
 * columns it should cover is not used (and the TABLE_MAP counts as incomplete), so a server that counts
 * differently than assumed here makes the reader fall back to information_schema, never misassign.
 */
export function tableMapFacts(map: TableMap, flavor: MysqlFlavor): TableMapFacts {
  const m = map.metadata;
  const cols = map.columns;
  const missing: string[] = [];
  const byKind = (test: (type: number) => boolean) => cols.flatMap((c, i) => (test(c.type) ? [i] : []));
  const numeric = byKind((t) => isNumeric(t, flavor));
  const character = byKind((t) => isCharacter(t, flavor));
  const enums = byKind((t) => t === T.ENUM);
  const sets = byKind((t) => t === T.SET);
  const enumsAndSets = byKind((t) => t === T.ENUM || t === T.SET);
  const geometries = byKind((t) => t === T.GEOMETRY);
  const facts: ColumnFacts[] = cols.map(() => ({ name: undefined, unsigned: undefined, collation: undefined, labels: undefined, geometryType: undefined }));

  const names = m.columnNames;
  if (names === undefined) missing.push('column names');
  else if (names.length !== cols.length) missing.push(`${names.length} column names for ${cols.length} columns`);
  else names.forEach((name, i) => (facts[i]!.name = name));

  if (numeric.length > 0) {
    const bits = m.signedness;
    if (bits === undefined) missing.push('signedness');
    else if (bits.length !== (numeric.length + 7) >> 3) missing.push(`a signedness bitmap of ${bits.length} bytes for ${numeric.length} numeric columns`);
    else {
      // MariaDB's YEAR takes a bit (always set) but has no signedness of its own in information_schema.
      numeric.forEach((col, k) => {
        if (cols[col]!.type !== T.YEAR) facts[col]!.unsigned = (bits[k >> 3]! & (0x80 >> (k & 7))) !== 0;
      });
    }
  }
  assignCollations(m.charsets, character, facts, 'character sets', missing);
  assignCollations(m.enumSetCharsets, enumsAndSets, facts, 'ENUM/SET character sets', missing);
  assignList(m.enumLabels, enums, 'ENUM labels', missing, (col, labels) => (facts[col]!.labels = labels));
  assignList(m.setLabels, sets, 'SET labels', missing, (col, labels) => (facts[col]!.labels = labels));
  assignList(m.geometryTypes, geometries, 'geometry types', missing, (col, type) => (facts[col]!.geometryType = type));

  let primaryKey = m.primaryKey;
  if (primaryKey?.some((i) => i >= cols.length)) {
    missing.push('a primary key within the columns');
    primaryKey = undefined;
  }
  return { columns: facts, primaryKey, incomplete: missing.length > 0 ? `the TABLE_MAP lacks ${missing.join(', ')}` : undefined };
}

function assignCollations(list: CollationList | undefined, columns: number[], facts: ColumnFacts[], what: string, missing: string[]): void {
  if (columns.length === 0) return;
  if (list === undefined) {
    missing.push(what);
    return;
  }
  const fits = list.form === 'per-column' ? list.collations.length === columns.length : [...list.exceptions.keys()].every((k) => k < columns.length);
  if (!fits) {
    missing.push(`${what} that fit its ${columns.length} columns`);
    return;
  }
  columns.forEach((col, k) => (facts[col]!.collation = collationAt(list, k)));
}

function assignList<V>(list: V[] | undefined, columns: number[], what: string, missing: string[], assign: (col: number, value: V) => void): void {
  if (columns.length === 0) return;
  if (list === undefined || list.length !== columns.length) {
    missing.push(list === undefined ? what : `${what} that fit its ${columns.length} columns`);
    return;
  }
  columns.forEach((col, k) => assign(col, list[k]!));
}
