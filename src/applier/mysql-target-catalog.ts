import type { Connection, RowDataPacket } from 'mysql2/promise';
import { isTandemError } from '../errors.js';
import type { MysqlFlavor } from '../mysql/mysql-position.js';
import { readCatalogTables, tableKey } from '../mysql/table-catalog.js';
import { mapColumnType } from '../mysql/type-mapping.js';
import type { TableName } from './link-routes.js';
import type { TargetColumn, TargetTable } from './target-table.js';

interface IndexRow extends RowDataPacket {
  INDEX_NAME: string;
  COLUMN_NAME: string | null;
  NON_UNIQUE: number | string;
  SUB_PART: number | string | null;
}

/**
 * Reads a MySQL/MariaDB target table (information_schema), or undefined when it does not exist. Column
 * types map with the reader's rules (src/mysql/type-mapping.ts), so a MySQL → MySQL link compares like
 * with like; keys are the primary key and full-column unique indexes.
 */
export async function readMysqlTargetTable(sql: Connection, name: TableName, flavor: MysqlFlavor): Promise<TargetTable | undefined> {
  const ref = { database: name.schema, table: name.table };
  const stored = (await readCatalogTables(sql, [ref], flavor)).get(tableKey(ref));
  if (!stored) return undefined;
  const [generatedRows] = await sql.query<Array<RowDataPacket & { COLUMN_NAME: string; IS_GENERATED: string }>>(
    'SELECT COLUMN_NAME, IS_GENERATED FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [name.schema, name.table],
  );
  const generated = new Set(generatedRows.filter((r) => String(r.IS_GENERATED).toUpperCase() === 'ALWAYS').map((r) => r.COLUMN_NAME));
  const [indexRows] = await sql.query<IndexRow[]>(
    'SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE, SUB_PART FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [name.schema, name.table],
  );
  const indexes = new Map<string, { columns: string[]; usable: boolean }>();
  for (const row of indexRows) {
    if (Number(row.NON_UNIQUE) !== 0) continue;
    const index = indexes.get(row.INDEX_NAME) ?? { columns: [], usable: true };
    indexes.set(row.INDEX_NAME, index);
    if (row.COLUMN_NAME === null || row.SUB_PART !== null) index.usable = false; // functional or prefix part
    else index.columns.push(row.COLUMN_NAME);
  }
  const columns = new Map<string, TargetColumn>();
  for (const col of stored.columns) {
    const column: TargetColumn = {
      name: col.name,
      type: undefined,
      sqlType: col.columnType,
      castType: '',
      notNull: !col.nullable,
      generated: generated.has(col.name),
      mysqlDataType: col.dataType,
    };
    if (['datetime', 'timestamp', 'time'].includes(col.dataType)) column.fractionDigits = col.datetimePrecision ?? 0;
    if (col.dataType === 'decimal' || col.dataType === 'numeric') {
      column.numericPrecision = col.numericPrecision ?? 10;
      column.numericScale = col.numericScale ?? 0;
    }
    if (col.dataType === 'binary' && col.charMaxLength !== null) column.fixedBytes = col.charMaxLength;
    try {
      column.type = mapColumnType(col, `${name.schema}.${name.table}`).type;
    } catch (error) {
      if (!isTandemError(error)) throw error;
      column.refused = `Tandem cannot write ${col.columnType} columns`;
    }
    columns.set(col.name, column);
  }
  const primary = indexes.get('PRIMARY');
  const uniqueKeys = [...indexes.entries()]
    .filter(([, index]) => index.usable)
    .sort(([a], [b]) => (a === 'PRIMARY' ? -1 : b === 'PRIMARY' ? 1 : 0))
    .map(([, index]) => index.columns);
  return { name, columns, primaryKey: primary?.usable ? primary.columns : [], uniqueKeys, identityAlways: false };
}
