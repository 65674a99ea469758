import mysql from 'mysql2/promise';
import pg from 'pg';
import { HOT_SKUS, seededRandom } from './catalog.js';
import { InventoryWriter } from './inventory-workload.js';
import { newSideCounts, ShopWriter, type SideCounts } from './shop-workload.js';

export interface WorkloadOptions {
  seconds: number;
  /** Steps per second on each side. */
  stepsPerSecond: number;
  /** Every this many ms both sides change the same row at once. */
  clashEveryMs: number;
  pgUrl: string;
  mysqlUrl: string;
  database: string;
  /** MariaDB: the inventory's commit times by GTID (see InventoryWriter). */
  commitTimes: Map<string, number> | undefined;
  out: (line: string) => void;
  /** Checked between steps: the pipeline failed, stop writing. */
  stopped: () => boolean;
}

export interface WorkloadResult {
  shop: SideCounts;
  inventory: SideCounts;
  clashes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` `perSecond` times a second (on schedule, not after each step's end) until `until` or a stop. */
async function paced(perSecond: number, until: number, stop: () => boolean, step: () => Promise<void>): Promise<void> {
  const start = Date.now();
  for (let i = 0; Date.now() < until && !stop(); i++) {
    await step();
    const wait = Math.min(start + ((i + 1) * 1000) / perSecond, until) - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

async function pgClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'tandem-demo-workload' });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function mysqlConnection(url: string): Promise<mysql.Connection> {
  const conn = await mysql.createConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: true });
  conn.on('error', () => undefined);
  return conn;
}

/**
 * Both sides' traffic at once for the demo's duration, each on its own connection, plus clashes: every
 * `clashEveryMs` a third pair of connections changes one row on both sides at the same moment (a
 * bestseller's price in the shop and its stock in the inventory, or a paid order cancelled in the shop
 * while the inventory ships it) — neither side has seen the other's write, so both appliers meet a
 * conflict, and last-writer-wins settles it the same way on both.
 */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const shopCounts = newSideCounts();
  const inventoryCounts = newSideCounts();
  const pgClients: pg.Client[] = [];
  const myConns: mysql.Connection[] = [];
  let clashes = 0;
  let failed: unknown;
  const stop = () => failed !== undefined || options.stopped();
  const guard = (work: Promise<void>) => work.catch((error: unknown) => void (failed ??= error));
  try {
    for (let i = 0; i < 2; i++) pgClients.push(await pgClient(options.pgUrl));
    for (let i = 0; i < 2; i++) myConns.push(await mysqlConnection(options.mysqlUrl));
    const shop = new ShopWriter(pgClients[0]!, seededRandom(42), shopCounts);
    const inventory = new InventoryWriter(myConns[0]!, options.database, seededRandom(43), inventoryCounts, options.commitTimes);
    const clashRandom = seededRandom(44);
    const shopClash = new ShopWriter(pgClients[1]!, clashRandom, shopCounts);
    const inventoryClash = new InventoryWriter(myConns[1]!, options.database, clashRandom, inventoryCounts, options.commitTimes);

    const until = Date.now() + options.seconds * 1000;
    const clash = async () => {
      const n = clashes++;
      if (n % 3 === 2) {
        const id = await shopClash.settledPaidOrder();
        if (id !== undefined) {
          await Promise.all([shopClash.cancelOrder(id), inventoryClash.shipOrder(id)]);
          options.out(`  ⚡ order ${id} changed on both sides at once: the shop cancels it, the warehouse ships it`);
          return;
        }
      }
      const sku = HOT_SKUS[n % HOT_SKUS.length]!;
      const price = (10 + clashRandom() * 90).toFixed(2);
      const stock = 50 + Math.floor(clashRandom() * 100);
      await Promise.all([shopClash.setPrice(sku, price), inventoryClash.setStock(sku, stock)]);
      options.out(`  ⚡ ${sku} changed on both sides at once: the shop sets its price to ${price}, the warehouse counts ${stock} in stock`);
    };
    await Promise.all([
      guard(paced(options.stepsPerSecond, until, stop, async () => void (await shop.step()))),
      guard(paced(options.stepsPerSecond, until, stop, async () => void (await inventory.step()))),
      guard(sleep(Math.min(700, options.clashEveryMs)).then(() => paced(1000 / options.clashEveryMs, until, stop, clash))),
    ]);
    if (failed !== undefined) throw failed;
    return { shop: shopCounts, inventory: inventoryCounts, clashes };
  } finally {
    await Promise.all([...pgClients.map((c) => c.end().catch(() => undefined)), ...myConns.map((c) => c.end().catch(() => undefined))]);
  }
}
