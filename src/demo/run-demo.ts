import { Admin } from '@platformatic/kafka';
import { mkdir, writeFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { linkName } from '../applier/applier.js';
import { validateConfig } from '../config/load.js';
import type { TandemConfig } from '../config/schema.js';
import { baseClientOptions } from '../kafka/client-options.js';
import { createLogger } from '../logging.js';
import { createApplier, readerComponents } from '../runtime/components.js';
import { Supervisor, type Component } from '../runtime/supervisor.js';
import { stackUp } from '../stack/index.js';
import { LinkMeter } from './live-line.js';
import { createMysqlShop, mysqlOrdersDigest, newMysqlOrders, type OrdersDigest } from './mysql-shop.js';
import { createShopSchema, SHOP_TABLES } from './shop-schema.js';
import { seededRandom, shopStep, type WorkloadCounts } from './shop-workload.js';

export interface DemoOptions {
  seconds: number;
  stepsPerSecond: number;
  out: (line: string) => void;
  /** The live status line (rewritten in place on a terminal); defaults to `out`. */
  status?: (line: string) => void;
}

const DEMO_DATABASE = 'tandem_demo';
const DEMO_PREFIX = 'tandem-demo';

/**
 * The live demo: the local stack, a shop database in PostgreSQL, the reader publishing its changes to
 * Kafka and an applier writing them into MySQL/MariaDB — orders written into PostgreSQL appear in
 * MySQL, with a live line of rows/s and lag; at the end both sides are compared.
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const { out } = options;
  const status = options.status ?? out;
  out('▶ starting the local stack (PostgreSQL, MariaDB, Kafka)…');
  const { env } = await stackUp();
  const pgUrl = await ensureDemoDatabase(env.pgUrl);
  const mysqlUrl = withDatabase(env.mysqlUrl, DEMO_DATABASE);
  const admin = new Admin(baseClientOptions({ brokers: env.kafkaBrokers, clientId: 'tandem-demo' }, 'admin'));
  const topicsToDelete = (await admin.listTopics()).filter((t) => t.startsWith(`${DEMO_PREFIX}.`));
  if (topicsToDelete.length) await admin.deleteTopics({ topics: topicsToDelete });
  await admin.close();

  const client = new pg.Client({ connectionString: pgUrl });
  client.on('error', (error) => out(`✘ PostgreSQL connection lost: ${error.message}`));
  await client.connect();
  await client.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'tandem_shop' AND NOT active`);
  await client.query('DROP PUBLICATION IF EXISTS tandem_shop');
  await createShopSchema(client);
  const my = await mysql.createConnection({ uri: env.mysqlUrl, supportBigNumbers: true, bigNumberStrings: true });
  await createMysqlShop(my, DEMO_DATABASE);
  out(`▶ created schema "shop" (customers, orders) in PostgreSQL ${DEMO_DATABASE}, and the same tables in MySQL ${DEMO_DATABASE}`);

  const config: TandemConfig = validateConfig({
    kafka: { brokers: env.kafkaBrokers, topicPrefix: DEMO_PREFIX },
    nodes: [
      { name: 'shop', engine: 'postgres', connection: { url: pgUrl }, tables: SHOP_TABLES },
      { name: 'shop_mysql', engine: 'mysql', connection: { url: mysqlUrl }, tables: ['customers', 'orders'] },
    ],
    links: [{ from: 'shop', to: 'shop_mysql', batchMaxDelayMs: 100 }],
    reader: { batchMaxDelayMs: 100 },
  });
  await mkdir('.tandem/demo', { recursive: true });
  await writeFile('.tandem/demo/tandem.yaml', toYaml(config));
  out(`▶ config written to .tandem/demo/tandem.yaml: reader of node shop, link ${linkName(config.links[0]!)} (try: npx tandem run -c .tandem/demo/tandem.yaml --only shop,link:shop->shop_mysql)`);

  const logger = createLogger(process.env.TANDEM_LOG_LEVEL ?? 'warn');
  const meter = new LinkMeter();
  const applierComponent = (): Component => {
    const applier = createApplier(config.links[0]!, config, logger, { onCommitted: (info) => meter.record(info) });
    return { name: 'applier.shop->shop_mysql', run: () => applier.run(), stop: () => applier.stop() };
  };
  const supervisor = new Supervisor(logger);
  const running = supervisor.runAll([...readerComponents(config, logger, ['shop']), applierComponent]);
  let failed: unknown;
  running.catch((error: unknown) => {
    failed = error;
    out(`✘ ${(error as Error).message}`);
  });
  await waitForSlot(client);

  let lastSeen = 0;
  const watch = setInterval(() => {
    void newMysqlOrders(my, DEMO_DATABASE, lastSeen)
      .then((orders) => {
        for (const o of orders) {
          lastSeen = o.id;
          out(`  mysql    ← order ${o.id} (${o.status}, total ${o.total})`);
        }
        status(meter.line());
      })
      .catch(() => undefined);
  }, 500);

  const counts: WorkloadCounts = { statements: 0, changes: 0 };
  const random = seededRandom(42);
  const steps = Math.max(1, Math.round(options.seconds * options.stepsPerSecond));
  out(`▶ writing shop traffic into PostgreSQL for ${options.seconds}s…`);
  for (let i = 0; i < steps && failed === undefined; i++) {
    const what = await shopStep(client, random, counts);
    out(`  postgres → ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000 / options.stepsPerSecond));
  }

  const source = await pgOrdersDigest(client);
  let target: OrdersDigest = { count: -1, digest: '' };
  const deadline = Date.now() + 30_000;
  while (failed === undefined && Date.now() < deadline) {
    target = await mysqlOrdersDigest(my, DEMO_DATABASE);
    if (target.count === source.count && target.digest === source.digest) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  clearInterval(watch);
  status(meter.line());

  await supervisor.stop();
  await running.catch(() => undefined);
  await client.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'tandem_shop' AND NOT active`).catch(() => undefined);
  await client.end();
  await my.end();

  const ok = failed === undefined && target.count === source.count && target.digest === source.digest;
  out(
    `${ok ? '✔' : '✘'} ${counts.changes} row changes written into PostgreSQL; ${source.count} orders there, ${target.count} in MySQL` +
      `${ok ? ', identical' : ', not in step'}; ${meter.rows} rows applied, source commit → MySQL commit lag p50 ${meter.percentile(50)} ms, p99 ${meter.percentile(99)} ms`,
  );
  return ok;
}

async function pgOrdersDigest(client: pg.Client): Promise<OrdersDigest> {
  const result = await client.query<{ n: string; d: string }>(
    `SELECT count(*)::text AS n, COALESCE(sum(id * 7 + total * 100 + array_position(ARRAY['new', 'paid', 'shipped', 'cancelled'], status::text)), 0)::text AS d FROM shop.orders`,
  );
  return { count: Number(result.rows[0]!.n), digest: result.rows[0]!.d.replace(/\.0+$/, '') };
}

async function ensureDemoDatabase(pgUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DEMO_DATABASE}`);
  } finally {
    await client.end();
  }
  return withDatabase(pgUrl, DEMO_DATABASE);
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The reader creates its slot as it starts; traffic written before would not be captured. */
async function waitForSlot(client: pg.Client): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await client.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = 'tandem_shop' AND active`);
    if (result.rowCount) return;
    if (Date.now() > deadline) throw new Error('the reader did not start streaming within 60 s; run with TANDEM_LOG_LEVEL=info to see why');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
