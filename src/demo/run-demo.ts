import { Admin } from '@platformatic/kafka';
import { mkdir, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { ChangeEventDecoder } from '../avro/index.js';
import { validateConfig } from '../config/load.js';
import type { TandemConfig } from '../config/schema.js';
import { baseClientOptions, kafkaConnection } from '../kafka/client-options.js';
import { SchemaTopicLookup } from '../kafka/schema-topic-lookup.js';
import { TopicFollower } from '../kafka/topic-follower.js';
import { topicNames } from '../kafka/topic-names.js';
import { createLogger } from '../logging.js';
import { readerComponents } from '../runtime/components.js';
import { Supervisor } from '../runtime/supervisor.js';
import { stackUp } from '../stack/index.js';
import { describeRow } from './display.js';
import { createShopSchema, SHOP_TABLES } from './shop-schema.js';
import { seededRandom, shopStep, type WorkloadCounts } from './shop-workload.js';

export interface DemoOptions {
  seconds: number;
  stepsPerSecond: number;
  out: (line: string) => void;
}

const DEMO_DATABASE = 'tandem_demo';
const DEMO_PREFIX = 'tandem-demo';

/**
 * The live demo: the local stack, a shop database in PostgreSQL, the reader publishing its changes to
 * Kafka, and every committed event printed as it lands, decoded from Kafka alone.
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const { out } = options;
  out('▶ starting the local stack (PostgreSQL, MariaDB, Kafka)…');
  const { env } = await stackUp();
  const pgUrl = await ensureDemoDatabase(env.pgUrl);
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
  out(`▶ created schema "shop" (customers, orders) in ${DEMO_DATABASE}`);

  const config: TandemConfig = validateConfig({
    kafka: { brokers: env.kafkaBrokers, topicPrefix: DEMO_PREFIX },
    nodes: [{ name: 'shop', engine: 'postgres', connection: { url: pgUrl }, tables: SHOP_TABLES }],
    reader: { batchMaxDelayMs: 100 },
  });
  await mkdir('.tandem/demo', { recursive: true });
  await writeFile('.tandem/demo/tandem.yaml', toYaml(config));
  out('▶ config written to .tandem/demo/tandem.yaml (try: npx tandem tail -c .tandem/demo/tandem.yaml -n shop)');

  const logger = createLogger(process.env.TANDEM_LOG_LEVEL ?? 'warn');
  const supervisor = new Supervisor(logger);
  const running = supervisor.runAll(readerComponents(config, logger));
  running.catch(() => undefined);

  const connection = kafkaConnection(config.kafka);
  const topics = topicNames(config.kafka.topicPrefix);
  const received = { count: 0, lags: [] as number[] };
  await waitForTopics(connection, [topics.changes('shop'), topics.schemas]);
  const follower = new TopicFollower(connection, topics.changes('shop'));
  const schemas = new SchemaTopicLookup(connection, topics.schemas);
  const decoder = new ChangeEventDecoder((f) => schemas.lookup(f));
  const following = follower.run(async (record) => {
    if (!record.value) return;
    const event = await decoder.decode(record.value);
    const lagMs = Date.now() - Number(event.source.commitTimestampMicros / 1000n);
    received.count++;
    received.lags.push(lagMs);
    const shown = describeRow(event.table, event.after ?? event.before ?? {}, new Set(['items', 'created_at']));
    out(`  kafka ← ${event.op} ${event.table.schema}.${event.table.table.padEnd(9)} ${shown}  (lsn ${event.source.lsn}, xid ${event.source.txId}, lag ${lagMs} ms)`);
  });

  const counts: WorkloadCounts = { statements: 0, changes: 0 };
  const random = seededRandom(42);
  const steps = Math.max(1, Math.round(options.seconds * options.stepsPerSecond));
  out(`▶ writing shop traffic for ${options.seconds}s…`);
  for (let i = 0; i < steps; i++) {
    const what = await shopStep(client, random, counts);
    out(`  postgres → ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000 / options.stepsPerSecond));
  }
  const deadline = Date.now() + 30_000;
  while (received.count < counts.changes && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

  await supervisor.stop();
  await running.catch(() => undefined);
  await follower.stop();
  await following.catch(() => undefined);
  await follower.close();
  await schemas.close();
  await client.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'tandem_shop' AND NOT active`).catch(() => undefined);
  await client.end();

  const lags = received.lags.sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? 0;
  const ok = received.count === counts.changes;
  out(
    `${ok ? '✔' : '✘'} ${counts.changes} row changes written, ${received.count} change events read back from Kafka; ` +
      `commit→Kafka lag p50 ${pct(50)} ms, p99 ${pct(99)} ms`,
  );
  return ok;
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
  const url = new URL(pgUrl);
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

/** The reader creates its topics as it starts; wait for them rather than race it. */
async function waitForTopics(connection: { brokers: string[]; clientId: string }, names: string[]): Promise<void> {
  const admin = new Admin(baseClientOptions(connection, 'admin'));
  let existing = new Set(await admin.listTopics());
  try {
    const deadline = Date.now() + 60_000;
    while (!names.every((n) => existing.has(n))) {
      if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} did not appear within 60 s; is the reader failing? (run with TANDEM_LOG_LEVEL=info)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      existing = new Set(await admin.listTopics());
    }
  } finally {
    await admin.close();
  }
}
