import { Admin } from '@platformatic/kafka';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { baseClientOptions } from '../../src/kafka/client-options.js';
import { topicNames } from '../../src/kafka/topic-names.js';
import { tableDdl } from './workloads.js';

/**
 * One workload's private objects: schema + table, a publication, the reader's slot and the ceiling's
 * slot (both created before any row is written, so both decode exactly the same changes), and the
 * Kafka topic prefix and node name of the Tandem run.
 */
export class BenchFixture {
  readonly id = randomBytes(3).toString('hex');
  readonly schema = `bench_${this.id}`;
  readonly table = `${this.schema}.orders`;
  readonly publication = `bench_${this.id}`;
  readonly readerSlot = `bench_${this.id}_tandem`;
  readonly ceilingSlot = `bench_${this.id}_ceiling`;
  readonly node = `bench_${this.id}`;
  readonly topicPrefix = `bench.${this.id}`;
  readonly sql: pg.Client;

  constructor(
    readonly pgUrl: string,
    readonly kafkaBrokers: string[],
  ) {
    this.sql = new pg.Client({ connectionString: pgUrl, application_name: 'tandem-bench' });
    this.sql.on('error', () => undefined);
  }

  async setup(): Promise<void> {
    await this.sql.connect();
    await this.sql.query(`CREATE SCHEMA ${this.schema}`);
    await this.sql.query(tableDdl(this.table));
    await this.sql.query(`CREATE PUBLICATION ${this.publication} FOR TABLE ${this.table} WITH (publish = 'insert, update, delete, truncate')`);
    for (const slot of [this.readerSlot, this.ceilingSlot]) {
      await this.sql.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [slot]);
    }
  }

  async confirmedFlushLsn(slot: string): Promise<string | null> {
    const result = await this.sql.query<{ lsn: string | null }>('SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    return result.rows[0]?.lsn ?? null;
  }

  /** The pid of the walsender streaming from `slot`, if one is. */
  async walsenderPid(slot: string): Promise<number | undefined> {
    const result = await this.sql.query<{ pid: number | null }>('SELECT active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
    return result.rows[0]?.pid ?? undefined;
  }

  /** Waits until the server has flushed WAL up to `lsn` (walsenders only send flushed WAL). */
  async waitForFlush(lsn: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const r = await this.sql.query<{ ok: boolean }>('SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS ok', [lsn]);
      if (r.rows[0]?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`WAL was not flushed up to ${lsn} within 30 s`);
  }

  /** Bytes on disk of the changes topic (all partitions): record batches with their headers, uncompressed. */
  async changesTopicBytes(): Promise<number | undefined> {
    const admin = new Admin(baseClientOptions({ brokers: this.kafkaBrokers, clientId: 'tandem-bench' }, 'admin'));
    try {
      const name = topicNames(this.topicPrefix).changes(this.node);
      const dirs = await admin.describeLogDirs({ topics: [{ name, partitions: [0] }] });
      let bytes = 0n;
      for (const broker of dirs) for (const dir of broker.results) for (const t of dir.topics) for (const p of t.partitions) bytes += p.partitionSize;
      return Number(bytes);
    } catch {
      return undefined;
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  /** Drops slots (ending any walsender on them), publication, schema and the run's Kafka topics. Never throws. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const slot of [this.readerSlot, this.ceilingSlot]) {
      let dropped = false;
      for (let i = 0; i < 50 && !dropped; i++) {
        await this.sql.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active', [slot]).catch(() => undefined);
        dropped = await this.sql.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]).then(
          () => true,
          () => false,
        );
        if (!dropped) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (!dropped) problems.push(`could not drop slot ${slot}`);
    }
    await this.sql.query(`DROP PUBLICATION IF EXISTS ${this.publication}`).catch((e: Error) => problems.push(`drop publication: ${e.message}`));
    await this.sql.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch((e: Error) => problems.push(`drop schema: ${e.message}`));
    await this.sql.end().catch(() => undefined);
    const admin = new Admin(baseClientOptions({ brokers: this.kafkaBrokers, clientId: 'tandem-bench' }, 'admin'));
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${this.topicPrefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    } catch (e) {
      problems.push(`delete topics: ${(e as Error).message}`);
    } finally {
      await admin.close().catch(() => undefined);
    }
    return problems;
  }
}
