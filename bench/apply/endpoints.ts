import { Admin } from '@platformatic/kafka';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { pino } from 'pino';
import type { CommitInfo } from '../../src/applier/apply-context.js';
import { Applier } from '../../src/applier/applier.js';
import type { TargetWriter } from '../../src/applier/target-writer.js';
import { validateConfig } from '../../src/config/load.js';
import type { TandemConfig } from '../../src/config/schema.js';
import { baseClientOptions } from '../../src/kafka/client-options.js';
import type { Logger } from '../../src/logging.js';
import type { MysqlReader } from '../../src/reader/mysql-reader.js';
import type { PgReader } from '../../src/reader/pg-reader.js';
import { createMysqlReader, createPgReader, createTargetWriter } from '../../src/runtime/components.js';
import { SHADOW_PREFIX } from '../../src/twoway/shadow-table.js';
import { installVersioning } from '../../src/twoway/install-versioning.js';
import { rankOf, versionedTables } from '../../src/twoway/topology.js';

export type EngineName = 'postgres' | 'mysql';

/** one-way: a plain link; two-way: both links `mode: two-way` (ranks 1 and 2), last-writer-wins on the target. */
export type LinkMode = 'one-way' | 'two-way';

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
    readonly mode: LinkMode = 'one-way',
  ) {
    const server = (e: EngineName) => (e === 'postgres' ? urls.pgUrl : urls.mysqlUrl);
    this.source = new BenchDatabase(from, `bench_${this.id}_src`, server(from));
    this.target = new BenchDatabase(to, `bench_${this.id}_dst`, server(to));
    const table = (db: BenchDatabase) => (db.engine === 'postgres' ? 'public.bench_rows' : `${db.name}.bench_rows`);
    const [s, t] = [`s_${this.id}`, `t_${this.id}`];
    const twoWay = mode === 'two-way';
    // Two-way: ranks on both nodes and the reverse link (configured, not run: only s -> t is measured).
    const rank = (r: number) => (twoWay ? { rank: r } : {});
    this.config = validateConfig({
      kafka: { brokers: urls.kafkaBrokers, topicPrefix: `bench.${this.id}` },
      nodes: [
        { name: s, engine: from, connection: { url: this.source.url }, tables: [table(this.source)], ...rank(1) },
        { name: t, engine: to, connection: { url: this.target.url }, tables: [table(this.target)], ...rank(2) },
      ],
      // Link settings are the defaults except that the route is named (a MySQL source database has another name).
      links: [
        { from: s, to: t, tables: { [table(this.source)]: table(this.target) }, ...(twoWay ? { mode: 'two-way' } : {}) },
        ...(twoWay ? [{ from: t, to: s, tables: { [table(this.target)]: table(this.source) }, mode: 'two-way' }] : []),
      ],
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
      const reader = createPgReader(node, this.config, this.readerLog.logger);
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
    const reader = createMysqlReader(node, this.config, this.readerLog.logger);
    this.#reader = reader;
    this.#readerDone = reader.run();
    this.#readerDone.catch(() => undefined);
    await Promise.race([reader.streaming, this.#readerDone]);
  }

  /**
   * Two-way: what the target node's reader would do at its start — the shadow table of the target table
   * and the triggers stamping local writes (rank 2). The applier of a two-way link needs the shadow.
   */
  async installTargetVersioning(): Promise<void> {
    const node = this.config.nodes[1]!;
    await installVersioning(node, versionedTables(this.config, node.name), rankOf(this.config, node.name));
  }

  /** The applier's counters (conflicts and duplicates on a two-way link), once it runs. */
  get applierStats() {
    return this.#applier ? { ...this.#applier.stats } : undefined;
  }

  /** Lock conflicts the applier retried in place (it logs them at debug level), warnings and errors it logged. */
  readonly applierLog = new LogTally('debug');
  /** Warnings and errors of the source's reader (e.g. changes without a version). */
  readonly readerLog = new LogTally('warn');

  /** Wall time of the applier's calls into its target writer (each a statement or a few, on its one connection). */
  readonly writerTimes = new WriterTimes();

  startApplier(onCommitted: (info: CommitInfo) => void): void {
    // As createApplier (src/runtime/components.ts) does, with the writer's calls timed.
    const link = this.config.links[0]!;
    const writer = this.writerTimes.wrap(createTargetWriter(this.config.nodes[1]!, link));
    const applier = new Applier({ link, config: this.config, logger: this.applierLog.logger, writer, onCommitted });
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

/** A logger that keeps no lines, only counts: messages by text, and the first few warnings and errors. */
export class LogTally {
  readonly counts = new Map<string, number>();
  readonly problems: string[] = [];
  readonly logger: Logger;

  constructor(level: 'debug' | 'warn') {
    this.logger = pino(
    { level, base: null, timestamp: false },
    {
      write: (line: string) => {
        const entry = JSON.parse(line) as { level: number; msg?: string; error?: unknown; err?: { message?: string } };
        const msg = entry.msg ?? '';
        this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
        if (entry.level >= 40 && this.problems.length < 10) this.problems.push(`${msg}${entry.error ? `: ${String(entry.error)}` : entry.err?.message ? `: ${entry.err.message}` : ''}`);
      },
    },
    );
  }

  /** Lock conflicts with another transaction that the apply loop rolled back and retried. */
  get lockRetries(): number {
    return this.counts.get('lock conflict with another transaction; retrying the batch') ?? 0;
  }
}

/**
 * Times every call of a TargetWriter (methods returning promises: from the call until it settles).
 * upsert is split into shadow-table and data-table writes. The apply loop calls the writer one call at
 * a time, so the times add up to the part of the applier's wall time spent waiting for the target.
 */
export class WriterTimes {
  readonly #times = new Map<string, { calls: number; ms: number }>();

  /**
   * Replaces the writer's asynchronous methods on the instance itself (no Proxy: `param`, called for
   * every value, and the other synchronous methods stay untouched and cost nothing extra).
   */
  wrap(writer: TargetWriter): TargetWriter {
    const add = (name: string, ms: number) => {
      const t = this.#times.get(name) ?? { calls: 0, ms: 0 };
      t.calls++;
      t.ms += ms;
      this.#times.set(name, t);
    };
    const methods: Array<keyof TargetWriter> = [
      'connect', 'close', 'describeTable', 'ensureProgressTable', 'initProgress', 'lockProgress', 'saveProgress', 'upsert', 'delete', 'rekey',
      'truncate', 'begin', 'setSourceCommit', 'lockRows', 'lockVersions', 'commit', 'rollback', 'savepoint', 'rollbackToSavepoint', 'releaseSavepoint',
    ];
    const target = writer as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const method of methods) {
      const original = target[method];
      if (typeof original !== 'function') continue;
      target[method] = async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await original.apply(writer, args);
        } finally {
          const name = method === 'upsert' ? ((args[0] as { name: { table: string } }).name.table.startsWith(SHADOW_PREFIX) ? 'upsert shadow' : 'upsert data') : method;
          add(name, performance.now() - started);
        }
      };
    }
    return writer;
  }

  /** Calls and milliseconds per method so far. */
  snapshot(): Record<string, { calls: number; ms: number }> {
    return Object.fromEntries([...this.#times].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => [k, { calls: v.calls, ms: Math.round(v.ms) }]));
  }
}
