import { ColumnType } from './binlog/event-types.js';
import type { MappedColumn, TableMap } from './binlog/table-map.js';
import type { CatalogColumn } from './catalog-column.js';
import type { ServerCharsets } from './server-charsets.js';
import { mapColumnType } from './type-mapping.js';

/**
 * What the binlog itself says about a column beyond its type and type metadata: the optional metadata,
 * resolved (collation → character set name, label bytes → text). Empty without binlog_row_metadata.
 */
export interface SeenColumn {
  name?: string;
  unsigned?: boolean;
  /** Character set name; "binary" for binary strings. */
  charset?: string;
  labels?: string[];
  /** GEOMETRY columns: the information_schema DATA_TYPE of the geometry type (point, polygon, …). */
  geometry?: string;
}

const T = ColumnType;
const BLOB_LENGTH_BYTES: Record<string, number> = {
  tinytext: 1, tinyblob: 1, text: 2, blob: 2, mediumtext: 3, mediumblob: 3, longtext: 4, longblob: 4,
};
const FIXED_WIDTH: Record<string, number> = { uuid: 16, inet6: 16, inet4: 4 };

/**
 * Why a column definition cannot describe the binlog's column (undefined: it can). Checked: binlog type,
 * type metadata (precision, fractional seconds, lengths, packing) and whatever the optional metadata
 * adds (name, signedness, character set, ENUM/SET labels, geometry type). Nullability is not checked
 * here: the TABLE_MAP's null bitmap is the column's nullability.
 */
export function columnDisagreement(col: CatalogColumn, m: MappedColumn, seen: SeenColumn, charsets: ServerCharsets | undefined, table: string): string | undefined {
  if (seen.name !== undefined && seen.name !== col.name) return `it is named ${seen.name} in the binlog`;
  let expected: readonly number[];
  try {
    expected = mapColumnType(col, table).binlogTypes;
  } catch {
    return 'its type cannot be carried';
  }
  if (!expected.includes(m.type)) return `it has binlog type ${m.type}, expected ${expected.join(' or ')}`;
  if (seen.unsigned !== undefined && seen.unsigned !== col.unsigned) return `the binlog has it ${seen.unsigned ? 'UNSIGNED' : 'signed'}`;
  if (seen.charset !== undefined && seen.charset !== (col.charset ?? 'binary')) return `the binlog has character set ${seen.charset}`;
  if (seen.labels !== undefined && !sameLabels(seen.labels, col.labels)) return `the binlog has the labels ${JSON.stringify(seen.labels)}`;
  if (seen.geometry !== undefined && geometryName(seen.geometry) !== geometryName(col.dataType)) return `the binlog has geometry type ${seen.geometry}`;
  return metadataMismatch(col, m, charsets);
}

/** Differences between a held definition and what the TABLE_MAP says, in words (the fallback without FULL metadata). */
export function compareLayout(columns: CatalogColumn[], map: TableMap, seen: readonly SeenColumn[], charsets: ServerCharsets | undefined): string[] {
  if (columns.length !== map.columns.length) return [`the binlog has ${map.columns.length} columns, the definition ${columns.length}`];
  const problems: string[] = [];
  const table = `${map.database}.${map.table}`;
  columns.forEach((col, i) => {
    const m = map.columns[i]!;
    const label = `column ${i + 1} (${col.name} ${col.columnType})`;
    const detail = columnDisagreement(col, m, seen[i] ?? {}, charsets, table);
    if (detail) problems.push(`${label}: ${detail}`);
    else if (m.nullable !== col.nullable) problems.push(`${label} is ${m.nullable ? '' : 'NOT '}NULL in the binlog`);
  });
  return problems;
}

function metadataMismatch(col: CatalogColumn, m: MappedColumn, charsets: ServerCharsets | undefined): string | undefined {
  switch (m.type) {
    case T.NEWDECIMAL:
      return m.precision === col.numericPrecision && m.scale === col.numericScale ? undefined : `binlog has decimal(${m.precision},${m.scale})`;
    case T.DATETIME2:
    case T.TIMESTAMP2:
    case T.TIME2:
      return m.length === (col.datetimePrecision ?? 0) ? undefined : `binlog has fractional precision ${m.length}`;
    case T.BIT:
      return m.length === col.numericPrecision ? undefined : `binlog has bit(${m.length})`;
    case T.ENUM:
      return m.length === ((col.labels?.length ?? 0) < 256 ? 1 : 2) ? undefined : `binlog packs the enum in ${m.length} byte(s)`;
    case T.SET: {
      const bytes = Math.ceil((col.labels?.length ?? 0) / 8);
      return m.length === (bytes > 4 ? 8 : bytes) ? undefined : `binlog packs the set in ${m.length} bytes`;
    }
    case T.BLOB: {
      const expected = col.json && col.dataType !== 'json' ? 4 : BLOB_LENGTH_BYTES[col.dataType];
      return expected === undefined || expected === m.length ? undefined : `binlog has ${m.length} length bytes, ${col.dataType} has ${expected}`;
    }
    case T.STRING:
    case T.VARCHAR:
    case T.VAR_STRING: {
      const width = FIXED_WIDTH[col.dataType];
      if (width !== undefined) return width === m.length ? undefined : `binlog has ${m.length} bytes, ${col.dataType} takes ${width}`;
      const perChar = charsets?.maxBytes(col.charset);
      if (perChar === undefined || col.charMaxLength === null) return undefined;
      return col.charMaxLength * perChar === m.length ? undefined : `binlog has a maximum of ${m.length} bytes, ${col.columnType} takes ${col.charMaxLength * perChar}`;
    }
    default:
      return undefined;
  }
}

function sameLabels(a: readonly string[], b: readonly string[] | null): boolean {
  return b !== null && a.length === b.length && a.every((label, i) => label === b[i]);
}

/** MySQL 8 spells GEOMETRYCOLLECTION "geomcollection" in information_schema. */
function geometryName(name: string): string {
  return name === 'geomcollection' ? 'geometrycollection' : name;
}
