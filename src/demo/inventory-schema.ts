import type mysql from 'mysql2/promise';

/**
 * The inventory database in MySQL/MariaDB: the shop's products and orders, typed as
 * docs/type-mapping.md ("Across engines") pairs them with PostgreSQL's both ways: varchar ↔ VARCHAR,
 * text ↔ LONGTEXT, numeric(p,s) ↔ DECIMAL(p,s), timestamptz ↔ DATETIME(6) (the UTC wall clock),
 * enum ↔ ENUM, jsonb ↔ JSON.
 */
export async function createInventoryDatabase(sql: mysql.Connection, database: string): Promise<void> {
  await sql.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await sql.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await sql.query(`
    CREATE TABLE \`${database}\`.products (
      sku VARCHAR(32) PRIMARY KEY,
      name LONGTEXT NOT NULL,
      price DECIMAL(10,2) NOT NULL,
      stock INT NOT NULL,
      updated_at DATETIME(6) NOT NULL
    ) ENGINE=InnoDB`);
  await sql.query(`
    CREATE TABLE \`${database}\`.orders (
      id BIGINT PRIMARY KEY,
      customer_id BIGINT NOT NULL,
      status ENUM('new', 'paid', 'shipped', 'cancelled') NOT NULL,
      total DECIMAL(12,2) NOT NULL,
      items JSON NOT NULL,
      placed_at DATETIME(6) NOT NULL,
      updated_at DATETIME(6) NOT NULL,
      KEY by_status (status, id)
    ) ENGINE=InnoDB`);
}
