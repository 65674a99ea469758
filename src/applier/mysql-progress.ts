import type mysql from 'mysql2/promise';
import type { TableName } from './link-routes.js';
import { myTable } from './mysql-sql.js';

/**
 * The MySQL progress row doubles as the mark of an applier's transaction: a session variable never
 * reaches the binlog, but this row change does, first in the transaction, with the first origin of the
 * changes applied. `marks` always changes, so the row event is always logged (MySQL logs no row an UPDATE
 * leaves as it was).
 */
export const PROGRESS_MARK_SQL = (progress: string) =>
  `UPDATE ${progress} SET origin = ?, marks = marks + 1 WHERE consumer_id = ? AND topic = ? AND \`partition\` = ?`;

/** Adds the origin and marks columns to a progress table made before they existed. */
export async function ensureMysqlProgressColumns(conn: mysql.Connection, progress: TableName): Promise<void> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [progress.schema, progress.table],
  );
  const have = new Set(rows.map((r) => String(r.c)));
  if (!have.has('origin')) {
    await conn.query(`ALTER TABLE ${myTable(progress)} ADD COLUMN origin VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT ''`);
  }
  if (!have.has('marks')) await conn.query(`ALTER TABLE ${myTable(progress)} ADD COLUMN marks BIGINT NOT NULL DEFAULT 0`);
}
