import type { Connection, RowDataPacket } from 'mysql2/promise';
import { parseEnumLabels, type CatalogColumn } from './catalog-column.js';
import type { MysqlFlavor, StoredTable } from './mysql-position.js';

export interface TableRef {
  database: string;
  table: string;
}

export function tableKey(ref: TableRef): string {
  return `${ref.database}.${ref.table}`;
}

interface ColumnRow extends RowDataPacket {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  COLUMN_NAME: string;
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  IS_NULLABLE: string;
  CHARACTER_SET_NAME: string | null;
  NUMERIC_PRECISION: string | null;
  NUMERIC_SCALE: string | null;
  DATETIME_PRECISION: string | null;
  CHARACTER_MAXIMUM_LENGTH: string | null;
  EXTRA: string;
}

/**
 * The current definitions (information_schema: columns in ordinal order, primary key, MariaDB's JSON
 * check constraints) of the given tables; a table that does not exist maps to undefined. The key is the
 * primary key, or every column when the table has none (the binlog's before images are full rows).
 */
export async function readCatalogTables(sql: Connection, refs: TableRef[], flavor: MysqlFlavor): Promise<Map<string, StoredTable | undefined>> {
  const out = new Map<string, StoredTable | undefined>(refs.map((r) => [tableKey(r), undefined]));
  if (refs.length === 0) return out;
  const where = refs.map(() => '(TABLE_SCHEMA = ? AND TABLE_NAME = ?)').join(' OR ');
  const params = refs.flatMap((r) => [r.database, r.table]);
  const [columns] = await sql.query<ColumnRow[]>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, NUMERIC_PRECISION,
            NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_MAXIMUM_LENGTH, EXTRA
       FROM information_schema.COLUMNS WHERE ${where} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    params,
  );
  const [keys] = await sql.query<Array<RowDataPacket & { TABLE_SCHEMA: string; TABLE_NAME: string; COLUMN_NAME: string }>>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS
      WHERE INDEX_NAME = 'PRIMARY' AND (${where}) ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX`,
    params,
  );
  const jsonColumns = new Set<string>();
  if (flavor === 'mariadb') {
    const [checks] = await sql.query<Array<RowDataPacket & { CONSTRAINT_SCHEMA: string; TABLE_NAME: string; CONSTRAINT_NAME: string; CHECK_CLAUSE: string }>>(
      `SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
        WHERE LEVEL = 'Column' AND (${where.replaceAll('TABLE_SCHEMA', 'CONSTRAINT_SCHEMA')})`,
      params,
    );
    for (const c of checks) {
      // MariaDB's JSON type is LONGTEXT plus this exact column constraint, named after the column.
      if (c.CHECK_CLAUSE === `json_valid(\`${c.CONSTRAINT_NAME.replaceAll('`', '``')}\`)`) jsonColumns.add(`${c.CONSTRAINT_SCHEMA}.${c.TABLE_NAME}.${c.CONSTRAINT_NAME}`);
    }
  }
  const byTable = new Map<string, CatalogColumn[]>();
  for (const r of columns) {
    const key = `${r.TABLE_SCHEMA}.${r.TABLE_NAME}`;
    const list = byTable.get(key) ?? [];
    byTable.set(key, list);
    const dataType = r.DATA_TYPE.toLowerCase();
    list.push({
      name: r.COLUMN_NAME,
      dataType,
      columnType: r.COLUMN_TYPE,
      nullable: r.IS_NULLABLE === 'YES',
      unsigned: /\bunsigned\b/i.test(r.COLUMN_TYPE),
      charset: r.CHARACTER_SET_NAME,
      numericPrecision: num(r.NUMERIC_PRECISION),
      numericScale: num(r.NUMERIC_SCALE),
      datetimePrecision: num(r.DATETIME_PRECISION),
      charMaxLength: num(r.CHARACTER_MAXIMUM_LENGTH),
      json: dataType === 'json' || jsonColumns.has(`${key}.${r.COLUMN_NAME}`),
      labels: dataType === 'enum' || dataType === 'set' ? parseEnumLabels(r.COLUMN_TYPE) : null,
      virtual: false,
    });
  }
  const pk = new Map<string, string[]>();
  for (const k of keys) {
    const key = `${k.TABLE_SCHEMA}.${k.TABLE_NAME}`;
    pk.set(key, [...(pk.get(key) ?? []), k.COLUMN_NAME]);
  }
  for (const ref of refs) {
    const key = tableKey(ref);
    const cols = byTable.get(key);
    if (cols && cols.length > 0) out.set(key, { columns: cols, key: pk.get(key) ?? cols.map((c) => c.name) });
  }
  return out;
}

function num(v: string | number | null): number | null {
  return v === null ? null : Number(v);
}
