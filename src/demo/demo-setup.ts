import { Admin } from '@platformatic/kafka';
import { mkdir, writeFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { validateConfig } from '../config/load.js';
import type { TandemConfig } from '../config/schema.js';
import { baseClientOptions } from '../kafka/client-options.js';
import { createInventoryDatabase } from './inventory-schema.js';
import { createShopSchema, SHOP_TABLES } from './shop-schema.js';

/** The demo's PostgreSQL database and MySQL database share this name. */
export const DEMO_DATABASE = 'tandem_demo';
export const DEMO_PREFIX = 'tandem-demo';
export const SHOP = 'shop';
export const INVENTORY = 'inventory';
/** The shop node's replication slot and publication (the reader's defaults: tandem_<node>). */
export const SHOP_SLOT = `tandem_${SHOP}`;
export const CONFIG_FILE = '.tandem/demo/tandem.yaml';

export interface StackUrls {
  pgUrl: string;
  mysqlUrl: string;
  kafkaBrokers: string[];
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A clean slate for the demo, whatever an earlier run left: no demo topics, no shop slot or
 * publication, the shop schema (and the progress table of the link into it) made anew in PostgreSQL,
 * the inventory database made anew in MySQL. Shadow tables and triggers go with their tables; the
 * readers install them again as they start. Returns the demo's connection URLs.
 */
export async function resetDemo(stack: StackUrls): Promise<StackUrls> {
  const admin = new Admin(baseClientOptions({ brokers: stack.kafkaBrokers, clientId: 'tandem-demo' }, 'admin'));
  try {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${DEMO_PREFIX}.`));
    if (ours.length > 0) {
      await admin.deleteTopics({ topics: ours });
      // Deletion completes in the background; a topic made again meanwhile would fail.
      for (let i = 0; i < 100 && (await admin.listTopics()).some((t) => ours.includes(t)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.close();
  }

  const server = new pg.Client({ connectionString: stack.pgUrl });
  await server.connect();
  try {
    const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE]);
    if (exists.rowCount === 0) await server.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    // A slot still held (an interrupted demo's reader) is let go first.
    await server.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active', [SHOP_SLOT]);
    for (let i = 0; i < 50; i++) {
      const dropped = await server.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [SHOP_SLOT]).then(
        () => true,
        () => false,
      );
      if (dropped) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await server.end();
  }

  const pgUrl = withDatabase(stack.pgUrl, DEMO_DATABASE);
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`DROP PUBLICATION IF EXISTS ${SHOP_SLOT}`);
    await client.query('DROP TABLE IF EXISTS public.tandem_progress');
    await createShopSchema(client);
  } finally {
    await client.end();
  }

  const my = await mysql.createConnection({ uri: stack.mysqlUrl });
  try {
    await createInventoryDatabase(my, DEMO_DATABASE);
  } finally {
    await my.end();
  }
  return { pgUrl, mysqlUrl: withDatabase(stack.mysqlUrl, DEMO_DATABASE), kafkaBrokers: stack.kafkaBrokers };
}

/**
 * The shop (PostgreSQL, rank 1) and the inventory (MySQL, rank 2), linked both ways: products and
 * orders replicate in both directions, last writer wins (the inventory wins exact ties).
 */
export function demoConfig(urls: StackUrls): TandemConfig {
  const pairs = SHOP_TABLES.map((t) => [t, `${DEMO_DATABASE}.${t.split('.')[1]!}`] as const);
  return validateConfig({
    kafka: { brokers: urls.kafkaBrokers, topicPrefix: DEMO_PREFIX },
    nodes: [
      { name: SHOP, engine: 'postgres', rank: 1, connection: { url: urls.pgUrl }, tables: pairs.map(([s]) => s) },
      { name: INVENTORY, engine: 'mysql', rank: 2, connection: { url: urls.mysqlUrl }, tables: pairs.map(([, i]) => i) },
    ],
    links: [
      { from: SHOP, to: INVENTORY, mode: 'two-way', batchMaxDelayMs: 100, tables: Object.fromEntries(pairs) },
      { from: INVENTORY, to: SHOP, mode: 'two-way', batchMaxDelayMs: 100, tables: Object.fromEntries(pairs.map(([s, i]) => [i, s])) },
    ],
    reader: { batchMaxDelayMs: 100 },
  });
}

export async function writeDemoConfig(config: TandemConfig): Promise<void> {
  await mkdir('.tandem/demo', { recursive: true });
  await writeFile(CONFIG_FILE, toYaml(config));
}
