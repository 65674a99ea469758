import type { LogicalType } from './logical-type.js';

export type Engine = 'postgres' | 'mysql';

export interface ColumnDef {
  /** The column's name exactly as the source database spells it. */
  name: string;
  type: LogicalType;
  /** The source's own spelling of the type, for people and for appliers of the same engine (e.g. "numeric(12,2)"). */
  sourceType: string;
  /** Whether the source declares the column NOT NULL (false when unknown). */
  notNull: boolean;
}

/**
 * One version of a source table's shape. A new version is made whenever the source's columns change;
 * each version gets its own Avro writer schema.
 */
export interface TableSchema {
  node: string;
  engine: Engine;
  database: string;
  /** PostgreSQL schema; for MySQL the database name again. */
  schema: string;
  table: string;
  columns: ColumnDef[];
  /** Names of the columns that identify a row (primary key, or replica identity index), in key order. */
  key: string[];
}

export function qualifiedName(t: Pick<TableSchema, 'schema' | 'table'>): string {
  return `${t.schema}.${t.table}`;
}
