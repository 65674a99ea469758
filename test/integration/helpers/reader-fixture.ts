import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { validateConfig } from '../../../src/config/load.js';
import type { TandemConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logging.js';
import { createPgReader } from '../../../src/runtime/components.js';
import { ChangesTopicProbe, type DecodedRecord } from './changes-topic.js';
import { getStack } from './stack.js';
import { PROJECT_ROOT, spawnTandemRun, type TandemChild } from './tandem-process.js';

export { PROJECT_ROOT, waitForExit } from './tandem-process.js';
export type { DecodedRecord } from './changes-topic.js';

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
  #topic: ChangesTopicProbe | undefined;
  /** Why the in-process reader stopped, if it failed: waits give up at once with this. */
  #readerFailure: unknown;

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
    this.#topic = new ChangesTopicProbe(this.config.kafka, this.node);
    await mkdir(path.dirname(this.configFile), { recursive: true });
    await writeFile(this.configFile, toYaml(this.config));
    return this;
  }

  get changesTopic(): string {
    return this.#probe().topic;
  }

  #probe(): ChangesTopicProbe {
    if (!this.#topic) throw new Error('call setup() first');
    return this.#topic;
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
  spawnReader(env: Record<string, string> = {}): TandemChild {
    return spawnTandemRun(this.configFile, env);
  }

  readEvents(): Promise<DecodedRecord[]> {
    return this.#probe().readEvents();
  }

  countEvents(): Promise<number> {
    return this.#probe().countEvents();
  }

  /** Waits until the changes topic holds at least `count` committed events (or the reader failed). */
  waitForEvents(count: number, timeoutMs = 60_000): Promise<DecodedRecord[]> {
    return this.#probe().waitForEvents(count, timeoutMs, () => this.#readerFailure);
  }

  /** Drops the slot (ending any walsender on it), publication, schema and topics. */
  async cleanup(): Promise<void> {
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
    await this.#topic?.deleteTopics();
  }
}
