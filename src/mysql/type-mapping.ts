import { ErrorCodes, TandemError } from '../errors.js';
import type { LogicalType } from '../model/logical-type.js';
import { ColumnType } from './binlog/event-types.js';
import type { CatalogColumn } from './catalog-column.js';

export interface MappedType {
  type: LogicalType;
  sourceType: string;
  /** The TABLE_MAP column types this column may have in the binlog (after resolving STRING's real type). */
  binlogTypes: readonly number[];
}

const T = ColumnType;
const TEXT_TYPES = new Set(['tinytext', 'text', 'mediumtext', 'longtext']);
const BLOB_TYPES = new Set(['tinyblob', 'blob', 'mediumblob', 'longblob']);
const GEOMETRY_TYPES = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

/**
 * MySQL / MariaDB column → LogicalType (docs/type-mapping.md, "MySQL / MariaDB"). Throws
 * TANDEM_VALUE_UNSUPPORTED for types the reader cannot carry exactly.
 */
export function mapColumnType(col: CatalogColumn, table: string): MappedType {
  const sourceType = col.json && col.dataType !== 'json' ? 'json' : col.columnType;
  const m = (type: LogicalType, binlogTypes: readonly number[]): MappedType => ({ type, sourceType, binlogTypes });
  if (col.json) return m({ kind: 'json', binary: col.dataType === 'json' }, col.dataType === 'json' ? [T.JSON] : [T.BLOB]);
  switch (col.dataType) {
    case 'tinyint':
      return m({ kind: 'int16' }, [T.TINY]);
    case 'smallint':
      return m({ kind: col.unsigned ? 'int32' : 'int16' }, [T.SHORT]);
    case 'mediumint':
      return m({ kind: 'int32' }, [T.INT24]);
    case 'int':
    case 'integer':
      return m({ kind: col.unsigned ? 'int64' : 'int32' }, [T.LONG]);
    case 'bigint':
      return m(col.unsigned ? { kind: 'decimal', precision: 20, scale: 0 } : { kind: 'int64' }, [T.LONGLONG]);
    case 'decimal':
    case 'numeric':
      return m({ kind: 'decimal', precision: col.numericPrecision ?? 10, scale: col.numericScale ?? 0 }, [T.NEWDECIMAL]);
    case 'float':
      return m({ kind: 'float32' }, [T.FLOAT]);
    case 'double':
    case 'real':
    case 'double precision':
      return m({ kind: 'float64' }, [T.DOUBLE]);
    case 'bit':
      return m((col.numericPrecision ?? 1) === 1 ? { kind: 'boolean' } : { kind: 'bytes' }, [T.BIT]);
    case 'year':
      return m({ kind: 'int16' }, [T.YEAR]);
    case 'date':
      return m({ kind: 'date' }, [T.DATE, T.NEWDATE]);
    case 'datetime':
      return m({ kind: 'timestamp' }, [T.DATETIME2, T.DATETIME]);
    case 'timestamp':
      return m({ kind: 'timestamptz' }, [T.TIMESTAMP2, T.TIMESTAMP]);
    case 'time':
      return m({ kind: 'interval' }, [T.TIME2, T.TIME]);
    case 'char':
      return m(stringType(col, true), [T.STRING]);
    case 'varchar':
      return m(stringType(col, false), [T.VARCHAR, T.VAR_STRING]);
    case 'binary':
      return m({ kind: 'bytes' }, [T.STRING]);
    case 'varbinary':
      return m({ kind: 'bytes' }, [T.VARCHAR, T.VAR_STRING]);
    case 'enum':
      return m({ kind: 'enum', typeName: `${table}.${col.name}`, labels: col.labels ?? [] }, [T.ENUM]);
    case 'set':
      return m({ kind: 'string' }, [T.SET]);
    case 'uuid':
      return m({ kind: 'uuid' }, [T.STRING]);
    case 'inet4':
    case 'inet6':
      return m({ kind: 'string' }, [T.STRING]);
    default:
      break;
  }
  if (TEXT_TYPES.has(col.dataType)) return m(stringType(col, false, false), [T.BLOB]);
  if (BLOB_TYPES.has(col.dataType)) return m({ kind: 'bytes' }, [T.BLOB]);
  if (GEOMETRY_TYPES.has(col.dataType)) return m({ kind: 'bytes' }, [T.GEOMETRY]);
  throw new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `${table}.${col.name} has type ${col.columnType}, which Tandem cannot carry exactly; change the column's type or leave the table out of the node's tables`,
  );
}

function stringType(col: CatalogColumn, fixed: boolean, withLength = true): LogicalType {
  const type: LogicalType = { kind: 'string' };
  if (withLength && col.charMaxLength !== null) type.maxLength = col.charMaxLength;
  if (fixed) type.fixed = true;
  return type;
}
