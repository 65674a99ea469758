import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { stringify as toYaml } from 'yaml';
import { validateConfig } from '../../../src/config/load.js';
import type { TandemConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logging.js';
import type { MysqlReader } from '../../../src/reader/mysql-reader.js';
import { createMysqlReader } from '../../../src/runtime/components.js';
import { ChangesTopicProbe, type DecodedRecord } from './changes-topic.js';
import { getStack } from './stack.js';
import { PROJECT_ROOT, spawnTandemRun, type TandemChild } from './tandem-process.js';

export { PROJECT_ROOT, waitForExit } from './tandem-process.js';
export type { DecodedRecord } from './changes-topic.js';

export interface InProcessReader {
  reader: MysqlReader;
  done: Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Everything one MySQL/MariaDB reader test needs, isolated from every other test: its own database on
 * the stack's server, node name (so server id and transactional id) and Kafka topic prefix.
 */
export class MysqlReaderFixture {
  readonly id = randomBytes(4).toString('hex');
  readonly node = `m_${this.id}`;
  readonly database = `it_${this.id}`;
  readonly prefix = `it.${this.id}`;
  readonly configFile = path.join(PROJECT_ROOT, '.tandem', 'test', `${this.id}.yaml`);
  readonly mysqlUrl = getStack().mysqlUrl;
  sql!: mysql.Connection;
  config!: TandemConfig;
  #topic: ChangesTopicProbe | undefined;

  /** Creates the database, runs `statements` in it, and writes the config file. */
  async setup(tables: string[], statements: string[], options: { reader?: Record<string, unknown>; mysql?: Record<string, unknown> } = {}): Promise<this> {
    this.sql = await this.connect();
    await this.sql.query(`CREATE DATABASE \`${this.database}\` CHARACTER SET utf8mb4`);
    await this.sql.query(`USE \`${this.database}\``);
    for (const statement of statements) await this.sql.query(statement);
    this.config = validateConfig({
      kafka: { brokers: getStack().kafkaBrokers, topicPrefix: this.prefix },
      nodes: [
        {
          name: this.node,
          engine: 'mysql',
          connection: { url: this.nodeUrl },
          tables: tables.map((t) => `${this.database}.${t}`),
          ...(options.mysql ? { mysql: options.mysql } : {}),
        },
      ],
      reader: { batchMaxDelayMs: 50, ...options.reader },
      log: { level: 'warn' },
    });
    this.#topic = new ChangesTopicProbe(this.config.kafka, this.node);
    await mkdir(path.dirname(this.configFile), { recursive: true });
    await writeFile(this.configFile, toYaml(this.config));
    return this;
  }

  /** The stack URL with this test's database as the default one. */
  get nodeUrl(): string {
    const url = new URL(this.mysqlUrl);
    url.pathname = `/${this.database}`;
    return url.toString();
  }

  /** A new connection to the test database (UTC, exact numbers as strings). */
  async connect(): Promise<mysql.Connection> {
    const conn = await mysql.createConnection({ uri: this.mysqlUrl, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, timezone: 'Z', charset: 'utf8mb4' });
    conn.on('error', () => undefined);
    if (this.config) await conn.query(`USE \`${this.database}\``);
    return conn;
  }

  get changesTopic(): string {
    return this.#probe().topic;
  }

  #probe(): ChangesTopicProbe {
    if (!this.#topic) throw new Error('call setup() first');
    return this.#topic;
  }

  /** Runs the reader in this process and waits until its start position is fixed. */
  async startInProcess(): Promise<InProcessReader> {
    const reader = createMysqlReader(this.config.nodes[0]!, this.config, silentLogger());
    const done = reader.run();
    done.catch(() => undefined);
    await Promise.race([reader.streaming, done]);
    return {
      reader,
      done,
      stop: async () => {
        await reader.stop();
        await done;
      },
    };
  }

  /**
   * Runs the reader until it has published a marker transaction, so that a stored offset exists and
   * later runs (child processes) resume from it instead of from "now".
   */
  async establishOffset(markerStatement: string, expectedEvents = 1): Promise<void> {
    const running = await this.startInProcess();
    await this.sql.query(markerStatement);
    await this.waitForEvents(expectedEvents);
    await running.stop();
  }

  /**
   * Sets the server's binlog_row_metadata (global, read by every statement that writes a TABLE_MAP from
   * then on) and returns the previous value, for the caller to restore.
   */
  async setRowMetadata(level: 'FULL' | 'MINIMAL' | 'NO_LOG'): Promise<string> {
    const [[row]] = (await this.sql.query('SELECT @@GLOBAL.binlog_row_metadata AS m')) as unknown as [[{ m: string }]];
    await this.sql.query(`SET GLOBAL binlog_row_metadata = ${level}`);
    return row.m;
  }

  /** Runs `tandem run` as a child process (for kill -9 tests). */
  spawnReader(env: Record<string, string> = {}): TandemChild {
    return spawnTandemRun(this.configFile, env);
  }

  readEvents(): Promise<DecodedRecord[]> {
    return this.#probe().readEvents();
  }

  countEvents(): Promise<number> {
    return this.#probe().countEvents();
  }

  /** Waits until the changes topic holds at least `count` committed events. */
  waitForEvents(count: number, timeoutMs = 60_000): Promise<DecodedRecord[]> {
    return this.#probe().waitForEvents(count, timeoutMs, () => undefined);
  }

  /** Drops the database and the test's topics. */
  async cleanup(): Promise<void> {
    await this.sql?.query(`DROP DATABASE IF EXISTS \`${this.database}\``).catch(() => undefined);
    await this.sql?.end().catch(() => undefined);
    await this.#topic?.deleteTopics();
  }
}
