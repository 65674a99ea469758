import type { LogicalType } from '../model/logical-type.js';
import type { TableName } from './link-routes.js';

/**
 * A target table as the applier checks and writes it, read from the target's catalog. Column types are
 * mapped to LogicalType with the same rules the readers use, plus the facts those drop that decide
 * whether a value fits exactly (precision of times, the real numeric scale, fixed binary lengths).
 */
export interface TargetColumn {
  name: string;
  /** The column's type in engine-neutral terms; undefined when Tandem cannot write it (see `refused`). */
  type: LogicalType | undefined;
  refused?: string;
  /** The target's own spelling of the type, for messages: "numeric(12,2)", "datetime(6)". */
  sqlType: string;
  /** PostgreSQL: the type name to cast a text parameter to (no modifier, schema-qualified). */
  castType: string;
  notNull: boolean;
  /** A generated (computed) column: the target computes it, the applier never writes it. */
  generated: boolean;
  /** Fraction-of-second digits the column keeps (time, timestamp, datetime, interval), 0..6. */
  fractionDigits?: number;
  /** Numeric scale as declared (PostgreSQL 15 allows a negative one), when constrained. */
  numericScale?: number;
  numericPrecision?: number;
  /** PostgreSQL interval fields restriction (the typmod's range mask), when declared. */
  intervalRange?: number;
  /** MySQL BINARY(n): values must be exactly n bytes (MySQL would pad a shorter one). */
  fixedBytes?: number;
  /** MySQL information_schema DATA_TYPE (lower case). */
  mysqlDataType?: string;
}

export interface TargetTable {
  name: TableName;
  columns: ReadonlyMap<string, TargetColumn>;
  primaryKey: string[];
  /** Unique keys (non-partial, plain columns), primary key included, each in index order. */
  uniqueKeys: string[][];
  /** PostgreSQL: has a GENERATED ALWAYS identity column, so inserts need OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
}
