import type mysql from 'mysql2/promise';

/**
 * The demo's target: the shop's tables in MySQL/MariaDB, typed as docs/type-mapping.md ("Across
 * engines") says PostgreSQL's types arrive: bigint → BIGINT, text → LONGTEXT, timestamptz → DATETIME(6)
 * (UTC), enum → ENUM, numeric(12,2) → DECIMAL(12,2), jsonb → JSON.
 */
export async function createMysqlShop(sql: mysql.Connection, database: string): Promise<void> {
  await sql.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await sql.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await sql.query(`
    CREATE TABLE \`${database}\`.customers (
      id BIGINT PRIMARY KEY,
      name LONGTEXT NOT NULL,
      email VARCHAR(200) NOT NULL UNIQUE,
      created_at DATETIME(6) NOT NULL
    )`);
  await sql.query(`
    CREATE TABLE \`${database}\`.orders (
      id BIGINT PRIMARY KEY,
      customer_id BIGINT NOT NULL,
      status ENUM('new', 'paid', 'shipped', 'cancelled') NOT NULL,
      total DECIMAL(12,2) NOT NULL,
      items JSON NOT NULL,
      placed_at DATETIME(6) NOT NULL,
      note LONGTEXT
    )`);
}

/** A fingerprint of the orders table both sides can compute: count, and a sum over id, status and total. */
export interface OrdersDigest {
  count: number;
  digest: string;
}

export async function mysqlOrdersDigest(sql: mysql.Connection, database: string): Promise<OrdersDigest> {
  const [rows] = await sql.query<mysql.RowDataPacket[]>(
    `SELECT COUNT(*) AS n, CAST(COALESCE(SUM(id * 7 + total * 100 + FIELD(status, 'new', 'paid', 'shipped', 'cancelled')), 0) AS CHAR) AS d FROM \`${database}\`.orders`,
  );
  return { count: Number(rows[0]!.n), digest: String(rows[0]!.d).replace(/\.0+$/, '') };
}

/** Orders that reached MySQL with an id above `after`, oldest first. */
export async function newMysqlOrders(sql: mysql.Connection, database: string, after: number): Promise<Array<{ id: number; status: string; total: string }>> {
  const [rows] = await sql.query<mysql.RowDataPacket[]>(`SELECT id, status, total FROM \`${database}\`.orders WHERE id > ? ORDER BY id LIMIT 20`, [after]);
  return rows.map((r) => ({ id: Number(r.id), status: String(r.status), total: String(r.total) }));
}
