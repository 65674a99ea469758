import { Admin } from '@platformatic/kafka';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { stringify as toYaml } from 'yaml';
import { ChangeEventDecoder, type DecodedChangeEvent } from '../../../src/avro/index.js';
import { validateConfig } from '../../../src/config/load.js';
import type { TandemConfig } from '../../../src/config/schema.js';
import { baseClientOptions, kafkaConnection } from '../../../src/kafka/client-options.js';
import { CommittedTopicReader, type CommittedRecord } from '../../../src/kafka/committed-topic-reader.js';
import { SchemaTopicLookup } from '../../../src/kafka/schema-topic-lookup.js';
import { topicNames } from '../../../src/kafka/topic-names.js';
import { silentLogger } from '../../../src/logging.js';
import type { MysqlReader } from '../../../src/reader/mysql-reader.js';
import { createMysqlReader } from '../../../src/runtime/components.js';
import { getStack } from './stack.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface DecodedRecord {
  record: CommittedRecord;
  event: DecodedChangeEvent;
}

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
  #decoder: ChangeEventDecoder | undefined;
  #schemas: SchemaTopicLookup | undefined;

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
    return topicNames(this.prefix).changes(this.node);
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

  /** Runs `tandem run` as a child process (for kill -9 tests). */
  spawnReader(env: Record<string, string> = {}): ChildProcess & { stderrTail: () => string } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', this.configFile], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TANDEM_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }) as ChildProcess & { stderrTail: () => string };
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    child.stderrTail = () => stderr;
    return child;
  }

  /** Every committed record of the changes topic, decoded, in partition/offset order. */
  async readEvents(): Promise<DecodedRecord[]> {
    const connection = kafkaConnection(this.config.kafka);
    this.#schemas ??= new SchemaTopicLookup(connection, topicNames(this.prefix).schemas);
    const schemas = this.#schemas;
    this.#decoder ??= new ChangeEventDecoder((f) => schemas.lookup(f));
    const reader = new CommittedTopicReader(connection, this.changesTopic);
    const out: DecodedRecord[] = [];
    try {
      for await (const record of reader.readAll()) out.push({ record, event: await this.#decoder.decode(record.value!) });
    } finally {
      await reader.close();
    }
    return out;
  }

  /** Waits until the changes topic holds at least `count` committed events. */
  async waitForEvents(count: number, timeoutMs = 60_000): Promise<DecodedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let events: DecodedRecord[] = [];
      try {
        events = await this.readEvents();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (events.length >= count) return events;
      if (Date.now() > deadline) throw new Error(`expected ${count} events in ${this.changesTopic}, found ${events.length} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Drops the database and the test's topics. */
  async cleanup(): Promise<void> {
    await this.#schemas?.close().catch(() => undefined);
    await this.sql?.query(`DROP DATABASE IF EXISTS \`${this.database}\``).catch(() => undefined);
    await this.sql?.end().catch(() => undefined);
    if (!this.config) return;
    const admin = new Admin(baseClientOptions(kafkaConnection(this.config.kafka), 'test-admin'));
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${this.prefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.close();
    }
  }
}

export async function waitForExit(child: ChildProcess, timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}
