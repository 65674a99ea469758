import mysql from 'mysql2/promise';
import pg from 'pg';
import { createLogger } from '../logging.js';
import { topicNames } from '../kafka/topic-names.js';
import { stackUp } from '../stack/index.js';
import { CATALOG } from './catalog.js';
import { CONFIG_FILE, DEMO_DATABASE, DEMO_PREFIX, demoConfig, INVENTORY, resetDemo, SHOP, SHOP_SLOT, writeDemoConfig } from './demo-setup.js';
import { describeConflict, sampleConflicts } from './conflict-text.js';
import { drain, readConflicts, verifyDemo } from './finish.js';
import { statusLine } from './live-line.js';
import { DemoPipeline } from './pipeline.js';
import { loadCatalog } from './shop-schema.js';
import { runWorkload, type WorkloadResult } from './workload.js';

export interface DemoOptions {
  seconds: number;
  /** Workload steps per second, on each side. */
  stepsPerSecond: number;
  out: (line: string) => void;
  /** The live status line (rewritten in place on a terminal); defaults to `out`. */
  status?: (line: string) => void;
}

/** Every this many ms both sides change the same row at once. */
const CLASH_EVERY_MS = 1500;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The live two-way demo: the local stack; an e-commerce database in PostgreSQL (node shop) and an
 * inventory database in MySQL/MariaDB (node inventory) sharing products and orders through two two-way
 * links; both sides written at once, some rows on both sides at the same moment (conflicts, settled by
 * last writer wins); a live line of rows/s and lag each way and conflicts resolved; at the end both
 * sides drained, the pipeline stopped and the tables compared with `tandem verify`. True when equal.
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const { out } = options;
  const status = options.status ?? out;
  const timings: Array<[string, number]> = [];
  let phase = Date.now();
  const lap = (name: string) => {
    timings.push([name, Date.now() - phase]);
    phase = Date.now();
  };

  out('▶ starting the local stack (PostgreSQL, MySQL/MariaDB, Kafka)…');
  const { env } = await stackUp();
  const urls = await resetDemo({ pgUrl: env.pgUrl, mysqlUrl: env.mysqlUrl, kafkaBrokers: env.kafkaBrokers });
  out(`▶ node ${SHOP}: PostgreSQL database ${DEMO_DATABASE}, schema shop (customers, products, orders); node ${INVENTORY}: MySQL database ${DEMO_DATABASE} (products, orders)`);
  const config = demoConfig(urls);
  await writeDemoConfig(config);
  out(`▶ config written to ${CONFIG_FILE}: links ${SHOP}->${INVENTORY} and ${INVENTORY}->${SHOP}, both two-way (last writer wins; ties: rank 2, ${INVENTORY})`);
  out(`  run it by hand: npx tandem run -c ${CONFIG_FILE}`);

  const shop = new pg.Client({ connectionString: urls.pgUrl });
  shop.on('error', (error) => out(`✘ PostgreSQL connection lost: ${error.message}`));
  await shop.connect();
  const inventory = await mysql.createConnection({ uri: urls.mysqlUrl, supportBigNumbers: true, bigNumberStrings: true });
  const [version] = await inventory.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
  const mariadb = String(version[0]!.v).includes('MariaDB');
  const flavor = mariadb ? 'MariaDB' : 'MySQL';
  // MariaDB stamps binlog commits to the second: the workload notes its commits for the lag back to the shop.
  const inventoryCommits = mariadb ? new Map<string, number>() : undefined;
  const pipeline = new DemoPipeline(config, createLogger(process.env.TANDEM_LOG_LEVEL ?? 'warn'), inventoryCommits);
  const failed = () => pipeline.failure;
  let workload: WorkloadResult | undefined;
  let drainMs = 0;
  let error: unknown;
  let ticker: NodeJS.Timeout | undefined;
  const line = () => statusLine([pipeline.meters.out, pipeline.meters.back], pipeline.conflicts());
  try {
    await pipeline.start(shop);
    out(`▶ readers of ${SHOP} and ${INVENTORY} streaming (shadow tables tandem_v_products, tandem_v_orders and their triggers installed), both appliers running`);
    lap('setup');

    const catalogAt = Date.now();
    await loadCatalog(shop);
    for (;;) {
      const [rows] = await inventory.query<mysql.RowDataPacket[]>(`SELECT count(*) AS n FROM \`${DEMO_DATABASE}\`.products`);
      if (Number(rows[0]!.n) >= CATALOG.length) break;
      if (failed() !== undefined) throw failed();
      if (Date.now() - catalogAt > 60_000) throw new Error('the catalog did not reach the inventory within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    out(`▶ catalog of ${CATALOG.length} products written into the ${SHOP}; in the ${INVENTORY} ${Date.now() - catalogAt} ms later`);
    out(
      `▶ for ${options.seconds}s, ${options.stepsPerSecond} steps/s on each side — ${SHOP} (PostgreSQL): orders (taking stock), payments, price changes, cancellations; ` +
        `${INVENTORY} (${flavor}): restocks, shipments, stock counts, new products; every ${CLASH_EVERY_MS / 1000} s both change the same row at once:`,
    );
    ticker = setInterval(() => status(line()), 250);
    workload = await runWorkload({
      seconds: options.seconds,
      stepsPerSecond: options.stepsPerSecond,
      clashEveryMs: CLASH_EVERY_MS,
      pgUrl: urls.pgUrl,
      mysqlUrl: urls.mysqlUrl,
      database: DEMO_DATABASE,
      commitTimes: inventoryCommits,
      out,
      stopped: () => failed() !== undefined,
    });
    if (failed() !== undefined) throw failed();
    lap('traffic');
    out('▶ traffic stopped; waiting until each side has everything the other wrote (a marker row each way)…');
    drainMs = await drain(shop, inventory, DEMO_DATABASE, failed);
    lap('drain');
  } catch (e) {
    error = e;
  } finally {
    clearInterval(ticker);
    status(line());
    await pipeline.stop();
    lap('stop');
    // An idle slot would keep WAL from being recycled; the next run of the demo (or `tandem run`) makes it again.
    await shop.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active', [SHOP_SLOT]).catch(() => undefined);
    await shop.end();
    await inventory.end();
  }
  if (error !== undefined) {
    out(`✘ ${(error as Error).message ?? String(error)}`);
    return false;
  }
  out(`✔ both sides drained in ${drainMs} ms; pipeline stopped`);

  out(`▶ tandem verify -c ${CONFIG_FILE} --link ${SHOP}->${INVENTORY}`);
  const differing = await verifyDemo(config, out);
  lap('verify');

  const w = workload!;
  const conflicts = await readConflicts(config);
  const ok = differing === 0;
  out(`${ok ? '✔' : '✘'} ${ok ? 'both sides equal' : `${differing} differing key(s)`} after two-way traffic:`);
  out(`  ${SHOP} (PostgreSQL) wrote ${w.shop.rows} rows in ${w.shop.transactions} transactions; ${INVENTORY} (${flavor}) wrote ${w.inventory.rows} rows in ${w.inventory.transactions}`);
  if (w.shop.retries + w.inventory.retries > 0 || pipeline.restarts() > 0) {
    out(`  deadlocks (a local write and an applied change locking the same row): workload transactions run again: ${SHOP} ${w.shop.retries}, ${INVENTORY} ${w.inventory.retries}; applier restarts: ${pipeline.restarts()}`);
  }
  out(`  ${pipeline.meters.out.summary()}`);
  out(`  ${pipeline.meters.back.summary()}`);
  const topic = topicNames(DEMO_PREFIX).conflicts;
  out(`  ${w.clashes} deliberate clashes; conflicts resolved by last-writer-wins: ${pipeline.conflicts()} (both appliers), ${conflicts.length} recorded in topic ${topic}, e.g.:`);
  for (const c of sampleConflicts(conflicts, 4)) out(`    ${describeConflict(c)}`);
  out(`  see them all (JSON lines): npx tandem demo --conflicts   (or any Kafka consumer of ${topic}, isolation read_committed)`);
  out(`  timings: ${timings.map(([name, ms]) => `${name} ${seconds(ms)}`).join(', ')}`);
  return ok;
}
