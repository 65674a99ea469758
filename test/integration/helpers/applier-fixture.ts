import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import type { CommitInfo } from '../../../src/applier/apply-context.js';
import type { Applier } from '../../../src/applier/applier.js';
import { validateConfig } from '../../../src/config/load.js';
import type { TandemConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logging.js';
import { createApplier, createMysqlReader, createPgReader, linkSelector } from '../../../src/runtime/components.js';
import { ChangesTopicProbe } from './changes-topic.js';
import { getStack } from './stack.js';
import { PROJECT_ROOT, spawnTandemRun, type TandemChild } from './tandem-process.js';

export { waitForExit } from './tandem-process.js';

export type EngineName = 'postgres' | 'mysql';

/** A row as text per column (NULL as null), for comparing source and target. */
export type TextRow = Record<string, string | null>;

/**
 * One database of an applier test: a fresh PostgreSQL database (tables in schema public) or MySQL
 * database on the stack's server, with a client that returns every value as text.
 */
export class Endpoint {
  pg: pg.Client | undefined;
  my: mysql.Connection | undefined;

  constructor(
    readonly engine: EngineName,
    readonly database: string,
    /** The server to use instead of the stack's (a private PostgreSQL for outage tests). */
    readonly serverUrl?: string,
  ) {}

  get server(): string {
    return this.serverUrl ?? (this.engine === 'postgres' ? getStack().pgUrl : getStack().mysqlUrl);
  }

  get url(): string {
    const url = new URL(this.server);
    url.pathname = `/${this.database}`;
    return url.toString();
  }

  /** The configured name of a table of this endpoint (quoted as its engine's table refs want). */
  tableRef(table: string): string {
    return this.engine === 'postgres' ? `public."${table.replaceAll('"', '""')}"` : `\`${this.database}\`.\`${table.replaceAll('`', '``')}\``;
  }

  async create(ddl: string[]): Promise<void> {
    if (this.engine === 'postgres') {
      const admin = new pg.Client({ connectionString: this.server });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${this.database}"`);
      await admin.end();
    } else {
      const admin = await mysql.createConnection({ uri: this.server });
      await admin.query(`CREATE DATABASE \`${this.database}\` CHARACTER SET utf8mb4`);
      await admin.end();
    }
    await this.connect();
    for (const statement of ddl) await this.query(statement);
  }

  async connect(): Promise<void> {
    if (this.engine === 'postgres') {
      this.pg = new pg.Client({ connectionString: this.url, types: { getTypeParser: () => (v: string) => v } });
      this.pg.on('error', () => undefined);
      await this.pg.connect();
      await this.pg.query("SET TIME ZONE 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
    } else {
      this.my = await mysql.createConnection({
        uri: this.url,
        charset: 'utf8mb4',
        timezone: 'Z',
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        // Every value as the server's text (binary columns are selected through HEX() by the tests).
        typeCast: (field) => field.string('utf8'),
      });
      this.my.on('error', () => undefined);
      await this.my.query("SET time_zone = '+00:00'");
    }
  }

  /** Runs a statement: PostgreSQL $n parameters, MySQL ? parameters. */
  async query(sql: string, params: unknown[] = []): Promise<TextRow[]> {
    if (this.engine === 'postgres') return (await this.pg!.query(sql, params)).rows as TextRow[];
    const [rows] = await this.my!.query(sql, params);
    return Array.isArray(rows) ? (rows as TextRow[]) : [];
  }

  async close(): Promise<void> {
    await this.pg?.end().catch(() => undefined);
    await this.my?.end().catch(() => undefined);
    this.pg = undefined;
    this.my = undefined;
  }

  async drop(slot?: string): Promise<void> {
    await this.close();
    if (this.engine === 'postgres') {
      const admin = new pg.Client({ connectionString: this.server });
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        if (slot) {
          for (let i = 0; i < 50; i++) {
            await admin.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active', [slot]).catch(() => undefined);
            const dropped = await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]).then(
              () => true,
              () => false,
            );
            if (dropped) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        await admin.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`).catch(() => undefined);
        await dropTestOrigins(admin, this.database.split('_')[1] ?? this.database);
      } finally {
        await admin.end();
      }
    } else {
      const admin = await mysql.createConnection({ uri: this.server });
      await admin.query(`DROP DATABASE IF EXISTS \`${this.database}\``).catch(() => undefined);
      await admin.end();
    }
  }
}

export interface LinkOptions {
  ordering?: 'transaction' | 'key';
  onError?: 'stop' | 'dead-letter';
  batchMaxRows?: number;
  batchMaxDelayMs?: number;
  tables?: Record<string, string>;
  columns?: Record<string, Record<string, string>>;
  keys?: Record<string, string[]>;
}

export interface InProcess {
  done: Promise<void>;
  stop: () => Promise<void>;
  failure: () => unknown;
  /** A reader's counters (undefined for appliers, and before the reader publishes). */
  readerStats?: () => Record<string, number> | undefined;
}

/**
 * Replication origins are cluster-wide and each one an applier used holds a replication state slot
 * (max_replication_slots): drop the ones whose name holds `id` (the fixture's), once their sessions ended.
 */
export async function dropTestOrigins(admin: pg.Client, id: string): Promise<void> {
  const origins = await admin.query<{ roname: string }>("SELECT roname FROM pg_replication_origin WHERE roname LIKE 'tandem:%' AND strpos(roname, $1) > 0", [id]);
  for (const { roname } of origins.rows) {
    for (let i = 0; i < 50; i++) {
      const dropped = await admin.query('SELECT pg_replication_origin_drop($1)', [roname]).then(
        () => true,
        () => false,
      );
      if (dropped) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Runs a node's reader in this process and waits until it captures every commit from now on. */
export async function startReaderInProcess(config: TandemConfig, node: TandemConfig['nodes'][number], endpoint: Endpoint, logger = silentLogger()): Promise<InProcess> {
  let failure: unknown;
  if (node.engine === 'postgres') {
    const reader = createPgReader(node, config, logger);
    const done = reader.run();
    done.catch((e: unknown) => (failure = e));
    const slot = `tandem_${node.name}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await endpoint.query('SELECT active::text AS active FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      if (rows[0]?.active === 'true') break;
      if (failure !== undefined) throw failure;
      if (Date.now() > deadline) throw new Error('the source slot did not become active');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { done, failure: () => failure, stop: async () => (await reader.stop(), await done), readerStats: () => reader.stats };
  }
  const reader = createMysqlReader(node, config, logger);
  const done = reader.run();
  done.catch((e: unknown) => (failure = e));
  await Promise.race([reader.streaming, done]);
  if (failure !== undefined) throw failure;
  return { done, failure: () => failure, stop: async () => (await reader.stop(), await done), readerStats: () => reader.stats };
}

/**
 * Everything one applier test needs, isolated from every other test: a source and a target database of
 * the chosen engines, node names, a Kafka topic prefix, and the config linking them.
 */
export class ApplierFixture {
  readonly id = randomBytes(4).toString('hex');
  readonly prefix = `it.${this.id}`;
  readonly sourceNode = `s_${this.id}`;
  readonly targetNode = `t_${this.id}`;
  readonly source: Endpoint;
  readonly target: Endpoint;
  readonly configFile = path.join(PROJECT_ROOT, '.tandem', 'test', `${this.id}.yaml`);
  config!: TandemConfig;
  probe!: ChangesTopicProbe;

  constructor(sourceEngine: EngineName, targetEngine: EngineName, options: { targetServer?: string } = {}) {
    this.source = new Endpoint(sourceEngine, `it_${this.id}_src`);
    this.target = new Endpoint(targetEngine, `it_${this.id}_dst`, options.targetServer);
  }

  get link(): TandemConfig['links'][number] {
    return this.config.links[0]!;
  }

  get linkSelector(): string {
    return linkSelector(this.link);
  }

  async setup(spec: { tables: string[]; sourceDdl: string[]; targetDdl: string[]; link?: LinkOptions; partitions?: number; reader?: Record<string, unknown> }): Promise<this> {
    await this.source.create(spec.sourceDdl);
    await this.target.create(spec.targetDdl);
    const tables = spec.link?.tables ?? defaultTables(this, spec.tables);
    this.config = validateConfig({
      kafka: { brokers: getStack().kafkaBrokers, topicPrefix: this.prefix, partitions: spec.partitions ?? 1 },
      nodes: [
        { name: this.sourceNode, engine: this.source.engine, connection: { url: this.source.url }, tables: spec.tables.map((t) => this.source.tableRef(t)) },
        { name: this.targetNode, engine: this.target.engine, connection: { url: this.target.url }, tables: spec.tables.map((t) => this.target.tableRef(t)) },
      ],
      links: [{ from: this.sourceNode, to: this.targetNode, batchMaxDelayMs: 100, ...spec.link, ...(tables ? { tables } : {}) }],
      // Record batches must stay under the broker's message.max.bytes (1 MiB by default); the reader's default
      // chunkMaxBytes (4 MiB) exceeds it when rows are large.
      reader: { batchMaxDelayMs: 50, heartbeatIntervalMs: 1000, chunkMaxBytes: 512 * 1024, ...spec.reader },
      log: { level: 'warn' },
    });
    this.probe = new ChangesTopicProbe(this.config.kafka, this.sourceNode);
    await mkdir(path.dirname(this.configFile), { recursive: true });
    await writeFile(this.configFile, toYaml(this.config));
    return this;
  }

  /** Runs the source's reader in this process and waits until it captures every commit from now on. */
  startReader(): Promise<InProcess> {
    return startReaderInProcess(this.config, this.config.nodes[0]!, this.source);
  }

  /** Runs the link's applier in this process. */
  startApplier(onCommitted?: (info: CommitInfo) => void): InProcess & { applier: Applier } {
    const applier = createApplier(this.link, this.config, silentLogger(), onCommitted ? { onCommitted } : {});
    let failure: unknown;
    const done = applier.run();
    done.catch((e: unknown) => (failure = e));
    return { applier, done, failure: () => failure, stop: async () => (await applier.stop(), await done) };
  }

  /** `tandem run --only link:…` as a child process (for kill -9 and signal tests); `only` picks other components. */
  spawnApplier(env: Record<string, string> = {}, only = this.linkSelector): TandemChild {
    return spawnTandemRun(this.configFile, env, ['--only', only]);
  }

  /** The target's stored next offset per partition of the changes topic. */
  async targetProgress(): Promise<Map<number, bigint>> {
    const table = this.target.engine === 'postgres' ? 'public.tandem_progress' : `\`${this.target.database}\`.tandem_progress`;
    const col = this.target.engine === 'postgres' ? '"partition"' : '`partition`';
    const rows = await this.target.query(`SELECT ${col} AS p, next_offset AS n FROM ${table} WHERE topic = ${this.target.engine === 'postgres' ? '$1' : '?'}`, [this.probe.topic]);
    return new Map(rows.map((r) => [Number(r.p), BigInt(r.n!)]));
  }

  /** Waits until the target's progress reaches the end of every partition as Kafka has it now. */
  async waitForApplied(timeoutMs: number, failure: () => unknown = () => undefined): Promise<void> {
    const { CommittedTopicReader } = await import('../../../src/kafka/committed-topic-reader.js');
    const { kafkaConnection } = await import('../../../src/kafka/client-options.js');
    const reader = new CommittedTopicReader(kafkaConnection(this.config.kafka), this.probe.topic);
    try {
      const ends = await reader.endOffsets();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const progress = await this.targetProgress().catch(() => new Map<number, bigint>());
        if (ends.every((end, p) => end === 0n || (progress.get(p) ?? 0n) >= end)) return;
        const failed = failure();
        if (failed !== undefined) throw failed;
        if (Date.now() > deadline) throw new Error(`applier did not reach ${ends.join(',')} within ${timeoutMs} ms (at ${[...progress].map(([p, o]) => `${p}:${o}`).join(',')})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await reader.close();
    }
  }

  async cleanup(): Promise<void> {
    await this.source.drop(this.source.engine === 'postgres' ? `tandem_${this.sourceNode}` : undefined).catch(() => undefined);
    await this.target.drop().catch(() => undefined);
    await this.probe?.deleteTopics().catch(() => undefined);
  }
}

/** PostgreSQL → MySQL goes to the target connection's database by default; MySQL sources are mapped explicitly. */
function defaultTables(fx: ApplierFixture, tables: string[]): Record<string, string> | undefined {
  if (fx.source.engine === 'postgres') return undefined;
  return Object.fromEntries(tables.map((t) => [fx.source.tableRef(t), fx.target.tableRef(t)]));
}
