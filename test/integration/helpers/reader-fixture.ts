import { Admin } from '@platformatic/kafka';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { ChangeEventDecoder, type DecodedChangeEvent } from '../../../src/avro/index.js';
import { validateConfig } from '../../../src/config/load.js';
import type { TandemConfig } from '../../../src/config/schema.js';
import { baseClientOptions, kafkaConnection } from '../../../src/kafka/client-options.js';
import { CommittedTopicReader, type CommittedRecord } from '../../../src/kafka/committed-topic-reader.js';
import { SchemaTopicLookup } from '../../../src/kafka/schema-topic-lookup.js';
import { topicNames } from '../../../src/kafka/topic-names.js';
import { silentLogger } from '../../../src/logging.js';
import { createPgReader } from '../../../src/runtime/components.js';
import { getStack } from './stack.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface DecodedRecord {
  record: CommittedRecord;
  event: DecodedChangeEvent;
}

/**
 * Everything one PostgreSQL reader test needs, isolated from every other test: its own schema in the
 * stack's database, node name (so slot and publication), and Kafka topic prefix.
 */
export class PgReaderFixture {
  readonly id = randomBytes(4).toString('hex');
  readonly node = `n_${this.id}`;
  readonly schema = `it_${this.id}`;
  readonly prefix = `it.${this.id}`;
  readonly configFile = path.join(PROJECT_ROOT, '.tandem', 'test', `${this.id}.yaml`);
  readonly pgUrl = getStack().pgUrl;
  readonly sql = new pg.Client({ connectionString: this.pgUrl });
  config!: TandemConfig;
  #decoder: ChangeEventDecoder | undefined;
  /** Why the in-process reader stopped, if it failed: waits give up at once with this. */
  #readerFailure: unknown;
  #schemas: SchemaTopicLookup | undefined;

  /** Creates the schema, runs `setupSql` in it (search_path set), and writes the config file. */
  async setup(tables: string[], setupSql: string, reader: Record<string, unknown> = {}): Promise<this> {
    this.sql.on('error', () => undefined);
    await this.sql.connect();
    await this.sql.query(`CREATE SCHEMA ${this.schema}; SET search_path TO ${this.schema}, public;`);
    await this.sql.query(setupSql);
    this.config = validateConfig({
      kafka: { brokers: getStack().kafkaBrokers, topicPrefix: this.prefix },
      nodes: [{ name: this.node, engine: 'postgres', connection: { url: this.pgUrl }, tables: tables.map((t) => `${this.schema}.${t}`) }],
      reader: { batchMaxDelayMs: 50, heartbeatIntervalMs: 1000, ...reader },
      log: { level: 'warn' },
    });
    await mkdir(path.dirname(this.configFile), { recursive: true });
    await writeFile(this.configFile, toYaml(this.config));
    return this;
  }

  get changesTopic(): string {
    return topicNames(this.prefix).changes(this.node);
  }

  /** Runs the reader in this process; stop() waits for it to finish. */
  startInProcess(): { stop: () => Promise<void>; done: Promise<void> } {
    const reader = createPgReader(this.config.nodes[0]!, this.config, silentLogger());
    const done = reader.run();
    done.catch((error: unknown) => {
      this.#readerFailure = error;
    });
    return {
      done,
      stop: async () => {
        await reader.stop();
        await done;
      },
    };
  }

  /**
   * Starts the reader in this process and waits until its slot streams: changes committed before the
   * slot exists are not captured (that is what snapshots, a later feature, are for).
   */
  async startReader(): Promise<{ stop: () => Promise<void>; done: Promise<void> }> {
    const running = this.startInProcess();
    await this.waitUntilStreaming();
    return running;
  }

  async waitUntilStreaming(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.sql.query('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [`tandem_${this.node}`]);
      if (result.rows[0]?.active === true) return;
      if (this.#readerFailure !== undefined) throw this.#readerFailure;
      if (Date.now() > deadline) throw new Error(`slot tandem_${this.node} did not become active within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Runs `tandem run` as a child process (for kill -9 tests). */
  spawnReader(env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', this.configFile], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TANDEM_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    (child as ChildProcess & { stderrTail: () => string }).stderrTail = () => stderr;
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

  /** How many committed records the changes topic holds (without decoding them). */
  async countEvents(): Promise<number> {
    const reader = new CommittedTopicReader(kafkaConnection(this.config.kafka), this.changesTopic);
    let count = 0;
    try {
      for await (const _record of reader.readAll()) count++;
    } finally {
      await reader.close();
    }
    return count;
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
      if (this.#readerFailure !== undefined) throw this.#readerFailure;
      if (Date.now() > deadline) throw new Error(`expected ${count} events in ${this.changesTopic}, found ${events.length} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Drops the slot (ending any walsender on it), publication, schema and topics. */
  async cleanup(): Promise<void> {
    await this.#schemas?.close().catch(() => undefined);
    const slot = `tandem_${this.node}`;
    for (let i = 0; i < 50; i++) {
      await this.sql.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active', [slot]).catch(() => undefined);
      const dropped = await this.sql
        .query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot])
        .then(() => true, () => false);
      if (dropped) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.sql.query(`DROP PUBLICATION IF EXISTS tandem_${this.node}`).catch(() => undefined);
    await this.sql.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch(() => undefined);
    await this.sql.end().catch(() => undefined);
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
