import { ColumnType } from './binlog/event-types.js';
import type { MappedColumn, TableMap } from './binlog/table-map.js';
import type { CatalogColumn } from './catalog-column.js';
import { textDecoderFor } from './charsets.js';
import { columnDisagreement, type SeenColumn } from './layout-check.js';
import type { MysqlFlavor, StoredTable } from './mysql-position.js';
import type { ServerCharsets } from './server-charsets.js';
import type { TableMapFacts } from './table-map-facts.js';

const T = ColumnType;
const INTEGER_TYPES: Partial<Record<number, string>> = { [T.TINY]: 'tinyint', [T.SHORT]: 'smallint', [T.INT24]: 'mediumint', [T.LONG]: 'int', [T.LONGLONG]: 'bigint' };
const BLOB_SIZES = ['tiny', '', 'medium', 'long'];
const GEOMETRY_TYPES = ['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection'];

/** The optional metadata resolved against the server's collations; `incomplete` says what is missing for a full description. */
export function seenColumns(facts: TableMapFacts, charsets: ServerCharsets, flavor: MysqlFlavor, table: string): { seen: SeenColumn[]; incomplete: string | undefined } {
  const problems: string[] = facts.incomplete ? [facts.incomplete] : [];
  const seen = facts.columns.map((f, i): SeenColumn => {
    const out: SeenColumn = {};
    if (f.name !== undefined) out.name = f.name;
    if (f.unsigned !== undefined) out.unsigned = f.unsigned;
    if (f.geometryType !== undefined) {
      const name = GEOMETRY_TYPES[f.geometryType];
      if (name === undefined) problems.push(`geometry type ${f.geometryType} of column ${i + 1} is unknown`);
      else out.geometry = flavor === 'mysql' && name === 'geometrycollection' ? 'geomcollection' : name;
    }
    if (f.collation === undefined) return out;
    const info = charsets.collation(f.collation);
    if (info === undefined) {
      problems.push(`collation ${f.collation} of column ${i + 1} is not in the server's information_schema`);
      return out;
    }
    out.charset = info.charset;
    if (f.labels !== undefined) {
      try {
        const decode = textDecoderFor(info.charset, `${table}.${f.name ?? i + 1}`);
        out.labels = f.labels.map((b) => decode(b, 0, b.length));
      } catch {
        problems.push(`the labels of column ${i + 1} are in character set ${info.charset}, which Tandem does not decode`);
      }
    }
    return out;
  });
  return { seen, incomplete: problems.length > 0 ? problems.join('; ') : undefined };
}

/**
 * The table as the TABLE_MAP describes it (binlog_row_metadata=FULL): the columns the rows were written
 * with, whatever the table looks like now. Facts the binlog does not carry — MariaDB's UUID/INET4/INET6
 * (logged as BINARY) and JSON (logged as LONGTEXT), integer display widths — come from `known`, the
 * definitions information_schema gave for a column of that name, but only from one that agrees with
 * the binlog on everything the binlog does say; otherwise the column is described from the binlog alone.
 */
export function definitionFromTableMap(
  map: TableMap,
  facts: TableMapFacts,
  seen: readonly SeenColumn[],
  charsets: ServerCharsets,
  known: (name: string) => readonly CatalogColumn[],
): StoredTable {
  const table = `${map.database}.${map.table}`;
  const columns = map.columns.map((m, i) => {
    const s = seen[i]!;
    const name = s.name!;
    const agreeing = known(name).find((c) => columnDisagreement(c, m, s, charsets, table) === undefined);
    return agreeing ? { ...agreeing, nullable: m.nullable } : columnFromBinlog(name, m, s, charsets);
  });
  const key = facts.primaryKey ? facts.primaryKey.map((i) => columns[i]!.name) : columns.map((c) => c.name);
  return { columns, key };
}

/** A column described from the binlog alone, in information_schema's terms (COLUMN_TYPE without display widths). */
export function columnFromBinlog(name: string, m: MappedColumn, s: SeenColumn, charsets: ServerCharsets): CatalogColumn {
  const binary = s.charset === undefined || s.charset === 'binary';
  const col: CatalogColumn = {
    name,
    dataType: `binlog type ${m.type}`,
    columnType: `binlog type ${m.type}`,
    nullable: m.nullable,
    unsigned: s.unsigned ?? false,
    charset: binary ? null : s.charset!,
    numericPrecision: null,
    numericScale: null,
    datetimePrecision: null,
    charMaxLength: null,
    json: false,
    labels: null,
    virtual: false,
  };
  const named = (dataType: string, columnType = dataType) => Object.assign(col, { dataType, columnType: col.unsigned ? `${columnType} unsigned` : columnType });
  const fsp = (dataType: string) => Object.assign(named(dataType, m.length > 0 ? `${dataType}(${m.length})` : dataType), { datetimePrecision: m.length });
  const chars = (bytes: number) => (binary ? bytes : Math.floor(bytes / (charsets.maxBytes(s.charset!) ?? 1)));
  const integer = INTEGER_TYPES[m.type];
  if (integer !== undefined) return named(integer);
  switch (m.type) {
    case T.NEWDECIMAL:
      return Object.assign(named('decimal', `decimal(${m.precision},${m.scale})`), { numericPrecision: m.precision, numericScale: m.scale });
    case T.FLOAT:
      return named('float');
    case T.DOUBLE:
      return named('double');
    case T.BIT:
      return Object.assign(named('bit', `bit(${m.length})`), { numericPrecision: m.length });
    case T.YEAR:
      return named('year');
    case T.DATE:
    case T.NEWDATE:
      return named('date');
    case T.TIME2:
    case T.TIME:
      return fsp('time');
    case T.DATETIME2:
    case T.DATETIME:
      return fsp('datetime');
    case T.TIMESTAMP2:
    case T.TIMESTAMP:
      return fsp('timestamp');
    case T.STRING:
    case T.VARCHAR:
    case T.VAR_STRING: {
      const base = m.type === T.STRING ? (binary ? 'binary' : 'char') : binary ? 'varbinary' : 'varchar';
      const length = chars(m.length);
      return Object.assign(named(base, `${base}(${length})`), { charMaxLength: length });
    }
    case T.BLOB: {
      const base = `${BLOB_SIZES[m.length - 1] ?? ''}${binary ? 'blob' : 'text'}`;
      return Object.assign(named(base), { charMaxLength: 2 ** (8 * m.length) - 1 });
    }
    case T.JSON:
      return Object.assign(named('json'), { json: true, charset: null });
    case T.ENUM:
    case T.SET: {
      const base = m.type === T.ENUM ? 'enum' : 'set';
      const labels = s.labels ?? [];
      return Object.assign(named(base, `${base}(${labels.map((l) => `'${l.replaceAll("'", "''")}'`).join(',')})`), { labels });
    }
    case T.GEOMETRY:
      return Object.assign(named(s.geometry ?? 'geometry'), { charset: null });
    default:
      return col; // mapColumnType refuses it, naming the binlog type
  }
}
