import type pg from 'pg';

/** The demo's e-commerce database in PostgreSQL: customers and their orders. */
export const SHOP_TABLES = ['shop.customers', 'shop.orders'];

export async function createShopSchema(client: pg.Client): Promise<void> {
  await client.query(`
    DROP SCHEMA IF EXISTS shop CASCADE;
    CREATE SCHEMA shop;
    CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
    CREATE TABLE shop.customers (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL,
      email varchar(200) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE shop.orders (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      customer_id bigint NOT NULL REFERENCES shop.customers(id),
      status shop.order_status NOT NULL DEFAULT 'new',
      total numeric(12,2) NOT NULL,
      items jsonb NOT NULL,
      placed_at timestamptz(6) NOT NULL DEFAULT clock_timestamp(),
      note text
    );
  `);
}
