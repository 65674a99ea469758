import type mysql from 'mysql2/promise';
import type pg from 'pg';
import type { TandemConfig } from '../config/schema.js';
import { kafkaConnection } from '../kafka/client-options.js';
import { CommittedTopicReader } from '../kafka/committed-topic-reader.js';
import { topicNames } from '../kafka/topic-names.js';
import type { ConflictRecord } from '../twoway/conflict-log.js';
import { tableLines } from '../verify/report-text.js';
import { runVerify } from '../verify/verify-run.js';
import { INVENTORY, SHOP } from './demo-setup.js';

const MARKERS = { shop: '~drain-shop', inventory: '~drain-inventory' } as const;

async function wait(what: string, timeoutMs: number, failure: () => unknown, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return;
    const failed = failure();
    if (failed !== undefined) throw failed;
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until both sides hold everything the other wrote: each side writes a marker product last;
 * links apply in commit order, so a marker that arrived says everything its side wrote before it
 * arrived too. Then the shop deletes both markers, and the deletes are waited for in the inventory,
 * leaving the tables as the workload left them. Returns the ms it took.
 */
export async function drain(shop: pg.Client, inventory: mysql.Connection, database: string, failure: () => unknown, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  const markers = Object.values(MARKERS);
  await shop.query(`INSERT INTO shop.products (sku, name, price, stock) VALUES ($1, 'drain marker', 0, 0)`, [MARKERS.shop]);
  await inventory.query(`INSERT INTO \`${database}\`.products (sku, name, price, stock, updated_at) VALUES (?, 'drain marker', 0, 0, UTC_TIMESTAMP(6))`, [MARKERS.inventory]);
  const onShop = async () => Number((await shop.query<{ n: string }>('SELECT count(*) AS n FROM shop.products WHERE sku = ANY($1)', [markers])).rows[0]!.n);
  const onInventory = async () => {
    const [rows] = await inventory.query<mysql.RowDataPacket[]>(`SELECT count(*) AS n FROM \`${database}\`.products WHERE sku IN (?, ?)`, markers);
    return Number(rows[0]!.n);
  };
  await wait('waiting for the drain markers', timeoutMs, failure, async () => (await onShop()) === 2 && (await onInventory()) === 2);
  await shop.query('DELETE FROM shop.products WHERE sku = ANY($1)', [markers]);
  await wait('waiting for the drain markers to go', timeoutMs, failure, async () => (await onInventory()) === 0);
  return Date.now() - started;
}

/** `tandem verify --link shop->inventory`, its table lines printed as it goes; the number of differing keys. */
export async function verifyDemo(config: TandemConfig, out: (line: string) => void): Promise<number> {
  let differing = 0;
  const report = await runVerify(config, { link: `${SHOP}->${INVENTORY}` }, {
    onTable: (v) => {
      differing += v.differingRows;
      for (const line of tableLines(v, SHOP, INVENTORY)) out(`  ${line}`);
    },
  });
  out(
    differing === 0
      ? `  verify: ${report.tables.length} table(s) equal on ${SHOP} and ${INVENTORY}`
      : `  verify: ${differing} differing key(s) between ${SHOP} and ${INVENTORY}`,
  );
  return differing;
}

/** Every record of the conflicts topic (committed ones only). */
export async function readConflicts(config: TandemConfig): Promise<ConflictRecord[]> {
  const reader = new CommittedTopicReader(kafkaConnection(config.kafka), topicNames(config.kafka.topicPrefix).conflicts);
  const out: ConflictRecord[] = [];
  try {
    for await (const record of reader.readAll()) if (record.value) out.push(JSON.parse(record.value.toString()) as ConflictRecord);
  } finally {
    await reader.close();
  }
  return out;
}
