import { Admin } from '@platformatic/kafka';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { CommitInfo } from '../../src/applier/apply-context.js';
import type { Applier } from '../../src/applier/applier.js';
import { validateConfig } from '../../src/config/load.js';
import type { TandemConfig } from '../../src/config/schema.js';
import { baseClientOptions } from '../../src/kafka/client-options.js';
import { silentLogger } from '../../src/logging.js';
import type { MysqlReader } from '../../src/reader/mysql-reader.js';
import type { PgReader } from '../../src/reader/pg-reader.js';
import { createApplier, createMysqlReader, createPgReader } from '../../src/runtime/components.js';

export type EngineName = 'postgres' | 'mysql';

export interface StackUrls {
  pgUrl: string;
  mysqlUrl: string;
  kafkaBrokers: string[];
}

/** The benchmark table, the same row on both engines (docs/type-mapping.md, "Across engines"). */
export function tableDdl(engine: EngineName): string {
  return engine === 'postgres'
    ? 'CREATE TABLE bench_rows (id bigint PRIMARY KEY, customer_id integer NOT NULL, amount numeric(12,2) NOT NULL, note text, ' +
        'created_at timestamptz NOT NULL, is_paid boolean NOT NULL, attrs jsonb, qty integer NOT NULL)'
    : 'CREATE TABLE bench_rows (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, note LONGTEXT, ' +
        'created_at DATETIME(6) NOT NULL, is_paid TINYINT(1) NOT NULL, attrs JSON, qty INT NOT NULL)';
}

/** A fresh database on one engine of the stack, with the benchmark table. */
export class BenchDatabase {
  pg: pg.Client | undefined;
  my: mysql.Connection | undefined;

  constructor(
    readonly engine: EngineName,
    readonly name: string,
    private readonly server: string,
  ) {}

  get url(): string {
    const url = new URL(this.server);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  async create(): Promise<void> {
    if (this.engine === 'postgres') {
      const admin = new pg.Client({ connectionString: this.server });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${this.name}`);
      await admin.end();
      this.pg = new pg.Client({ connectionString: this.url, application_name: 'tandem-bench' });
      this.pg.on('error', () => undefined);
      await this.pg.connect();
    } else {
      const admin = await mysql.createConnection({ uri: this.server });
      await admin.query(`CREATE DATABASE ${this.name} CHARACTER SET utf8mb4`);
      await admin.end();
      this.my = await mysql.createConnection({ uri: this.url, charset: 'utf8mb4', timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
      this.my.on('error', () => undefined);
      await this.my.query("SET time_zone = '+00:00'");
    }
    await this.query(tableDdl(this.engine));
  }

  async query(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    if (this.pg) return (await this.pg.query(sql, params)).rows as Array<Record<string, unknown>>;
    const [rows] = await this.my!.query(sql, params);
    return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
  }

  async drop(slot?: string): Promise<void> {
    await this.pg?.end().catch(() => undefined);
    await this.my?.end().catch(() => undefined);
    if (this.engine === 'postgres') {
      const admin = new pg.Client({ connectionString: this.server });
      admin.on('error', () => undefined);
      await admin.connect();
      if (slot) {
        for (let i = 0; i < 50; i++) {
          await admin.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active', [slot]).catch(() => undefined);
          const ok = await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]).then(() => true, () => false);
          if (ok) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    } else {
      const admin = await mysql.createConnection({ uri: this.server });
      await admin.query(`DROP DATABASE IF EXISTS ${this.name}`).catch(() => undefined);
      await admin.end();
    }
  }
}

/** One direction's run: source and target databases, the link's config, the reader and the applier. */
export class BenchLink {
  readonly id = randomBytes(3).toString('hex');
  readonly source: BenchDatabase;
  readonly target: BenchDatabase;
  readonly config: TandemConfig;
  #reader: PgReader | MysqlReader | undefined;
  #readerDone: Promise<void> | undefined;
  #applier: Applier | undefined;
  #applierDone: Promise<void> | undefined;

  constructor(
    readonly from: EngineName,
    readonly to: EngineName,
    readonly urls: StackUrls,
  ) {
    const server = (e: EngineName) => (e === 'postgres' ? urls.pgUrl : urls.mysqlUrl);
    this.source = new BenchDatabase(from, `bench_${this.id}_src`, server(from));
    this.target = new BenchDatabase(to, `bench_${this.id}_dst`, server(to));
    const table = (db: BenchDatabase) => (db.engine === 'postgres' ? 'public.bench_rows' : `${db.name}.bench_rows`);
    this.config = validateConfig({
      kafka: { brokers: urls.kafkaBrokers, topicPrefix: `bench.${this.id}` },
      nodes: [
        { name: `s_${this.id}`, engine: from, connection: { url: this.source.url }, tables: [table(this.source)] },
        { name: `t_${this.id}`, engine: to, connection: { url: this.target.url }, tables: [table(this.target)] },
      ],
      // Link settings are the defaults except that the route is named (a MySQL source database has another name).
      links: [{ from: `s_${this.id}`, to: `t_${this.id}`, tables: { [table(this.source)]: table(this.target) } }],
      // chunkMaxBytes: record batches under the broker's default message.max.bytes (1 MiB).
      reader: { chunkMaxBytes: 512 * 1024 },
      log: { level: 'warn' },
    });
  }

  get slot(): string {
    return `tandem_s_${this.id}`;
  }

  async setup(): Promise<void> {
    await this.source.create();
    await this.target.create();
  }

  get readerStats() {
    return this.#reader?.stats;
  }

  /** Starts the source's reader and waits until it captures every commit from now on. */
  async startReader(): Promise<void> {
    const node = this.config.nodes[0]!;
    if (node.engine === 'postgres') {
      const reader = createPgReader(node, this.config, silentLogger());
      this.#reader = reader;
      this.#readerDone = reader.run();
      this.#readerDone.catch(() => undefined);
      for (let i = 0; i < 600; i++) {
        const rows = await this.source.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active', [this.slot]);
        if (rows.length > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the PostgreSQL reader did not start streaming');
    }
    const reader = createMysqlReader(node, this.config, silentLogger());
    this.#reader = reader;
    this.#readerDone = reader.run();
    this.#readerDone.catch(() => undefined);
    await Promise.race([reader.streaming, this.#readerDone]);
  }

  startApplier(onCommitted: (info: CommitInfo) => void): void {
    const applier = createApplier(this.config.links[0]!, this.config, silentLogger(), { onCommitted });
    this.#applier = applier;
    this.#applierDone = applier.run();
    this.#applierDone.catch(() => undefined);
  }

  /** Throws the reader's or applier's failure, if either failed. */
  async failure(): Promise<unknown> {
    const settled = async (p: Promise<void> | undefined) => (p ? Promise.race([p.then(() => undefined, (e: unknown) => e ?? new Error('failed')), Promise.resolve(undefined)]) : undefined);
    return (await settled(this.#readerDone)) ?? (await settled(this.#applierDone));
  }

  async stop(): Promise<void> {
    await this.#applier?.stop();
    await this.#applierDone?.catch(() => undefined);
    await this.#reader?.stop();
    await this.#readerDone?.catch(() => undefined);
  }

  async cleanup(): Promise<void> {
    await this.stop();
    await this.source.drop(this.from === 'postgres' ? this.slot : undefined);
    await this.target.drop();
    const admin = new Admin(baseClientOptions({ brokers: this.urls.kafkaBrokers, clientId: 'tandem-bench' }, 'admin'));
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`bench.${this.id}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.close();
    }
  }
}
