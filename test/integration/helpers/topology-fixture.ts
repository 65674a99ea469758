import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { Applier } from '../../../src/applier/applier.js';
import { validateConfig } from '../../../src/config/load.js';
import type { TandemConfig } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logging.js';
import { createApplier } from '../../../src/runtime/components.js';
import { Endpoint, startReaderInProcess, type EngineName, type InProcess } from './applier-fixture.js';
import { ChangesTopicProbe } from './changes-topic.js';
import { getStack } from './stack.js';
import { PROJECT_ROOT, spawnTandemRun, type TandemChild } from './tandem-process.js';

export interface TopologyNode {
  /** Short name; the node's configured name is `<name>_<fixture id>`. */
  name: string;
  engine: EngineName;
  rank: number;
  /** Another server than the stack's (a skewed MariaDB). */
  serverUrl?: string;
}

export interface TopologyLink {
  from: string;
  to: string;
  mode: 'one-way' | 'two-way';
}

/**
 * Several nodes (each a fresh database on the stack's servers, or on a private server), every one with
 * the same tables, linked as the test says; readers and appliers run in this process or as `tandem run`
 * children (for kill -9).
 */
export class TopologyFixture {
  readonly id = randomBytes(4).toString('hex');
  readonly prefix = `it.${this.id}`;
  readonly endpoints = new Map<string, Endpoint>();
  readonly configFile = path.join(PROJECT_ROOT, '.tandem', 'test', `${this.id}.yaml`);
  config!: TandemConfig;
  readonly #running: InProcess[] = [];
  readonly appliers = new Map<string, Applier>();
  /** In-process readers by short node name. */
  readonly readers = new Map<string, InProcess>();

  constructor(readonly nodes: TopologyNode[]) {
    for (const n of nodes) this.endpoints.set(n.name, new Endpoint(n.engine, `it_${this.id}_${n.name}`, n.serverUrl));
  }

  nodeName(short: string): string {
    return `${short}_${this.id}`;
  }

  endpoint(short: string): Endpoint {
    return this.endpoints.get(short)!;
  }

  async setup(spec: { tables: string[]; ddl: (engine: EngineName) => string[]; links: TopologyLink[]; tombstoneRetentionHours?: number }): Promise<this> {
    for (const [, endpoint] of this.endpoints) await endpoint.create(spec.ddl(endpoint.engine));
    this.config = validateConfig({
      kafka: { brokers: getStack().kafkaBrokers, topicPrefix: this.prefix, partitions: 1 },
      nodes: this.nodes.map((n) => {
        const endpoint = this.endpoint(n.name);
        return { name: this.nodeName(n.name), engine: n.engine, rank: n.rank, connection: { url: endpoint.url }, tables: spec.tables.map((t) => endpoint.tableRef(t)) };
      }),
      links: spec.links.map((l) => {
        const [from, to] = [this.endpoint(l.from), this.endpoint(l.to)];
        // Every node holds the tables in its own default place (PostgreSQL: public; MySQL: the node's database).
        const tables = Object.fromEntries(spec.tables.map((t) => [from.tableRef(t), to.tableRef(t)]));
        return { from: this.nodeName(l.from), to: this.nodeName(l.to), mode: l.mode, batchMaxDelayMs: 100, tables };
      }),
      reader: { batchMaxDelayMs: 50, heartbeatIntervalMs: 1000 },
      conflicts: { tombstoneRetentionHours: spec.tombstoneRetentionHours ?? 168 },
      log: { level: 'warn' },
    });
    await mkdir(path.dirname(this.configFile), { recursive: true });
    await writeFile(this.configFile, toYaml(this.config));
    return this;
  }

  /** Starts every reader, then every applier, in this process. */
  async startAll(): Promise<void> {
    for (const n of this.nodes) await this.startReader(n.name);
    for (const l of this.config.links) this.startApplier(l.from, l.to);
  }

  async startReader(short: string): Promise<InProcess> {
    const node = this.config.nodes.find((n) => n.name === this.nodeName(short))!;
    const reader = await startReaderInProcess(this.config, node, this.endpoint(short));
    this.#running.push(reader);
    this.readers.set(short, reader);
    return reader;
  }

  /** `from`/`to`: configured node names. */
  startApplier(from: string, to: string): InProcess {
    const link = this.config.links.find((l) => l.from === from && l.to === to)!;
    const applier = createApplier(link, this.config, silentLogger());
    this.appliers.set(`${from}->${to}`, applier);
    let failure: unknown;
    const done = applier.run();
    done.catch((e: unknown) => (failure = e));
    const handle = { done, failure: () => failure, stop: async () => (await applier.stop(), await done) };
    this.#running.push(handle);
    return handle;
  }

  /** `tandem run --only <selectors>` as a child process. */
  spawn(selectors: string[]): TandemChild {
    return spawnTandemRun(this.configFile, {}, ['--only', selectors.join(',')]);
  }

  /** The first failure of an in-process component, if any. */
  failure(): unknown {
    for (const r of this.#running) if (r.failure() !== undefined) return r.failure();
    return undefined;
  }

  /**
   * Waits until every node's reader (run elsewhere, e.g. as a child) captures commits: its PostgreSQL slot
   * is active, or a binlog dump runs on its MySQL server (private servers only: the stack's is shared).
   */
  async waitForReaders(timeoutMs: number, failure: () => string | undefined = () => undefined): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const n of this.nodes) {
      const e = this.endpoint(n.name);
      for (;;) {
        const rows =
          n.engine === 'postgres'
            ? await e.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active', [`tandem_${this.nodeName(n.name)}`])
            : await e.query("SELECT 1 FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
        if (rows.length > 0) break;
        const failed = failure();
        if (failed !== undefined) throw new Error(failed);
        if (Date.now() > deadline) throw new Error(`the reader of ${n.name} did not start within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  probe(short: string): ChangesTopicProbe {
    return new ChangesTopicProbe(this.config.kafka, this.nodeName(short));
  }

  async stopAll(): Promise<void> {
    for (const r of this.#running.splice(0).reverse()) await r.stop().catch(() => undefined);
  }

  async drop(): Promise<void> {
    await this.stopAll();
    for (const n of this.nodes) await this.endpoint(n.name).drop(n.engine === 'postgres' ? `tandem_${this.nodeName(n.name)}` : undefined);
  }
}

/** Placeholder for the n-th parameter in an engine's syntax. */
export function ph(engine: EngineName, n: number): string {
  return engine === 'postgres' ? `$${n}` : '?';
}

/**
 * Waits until every node has every other node's marker row: written last on each node, a marker that
 * arrived says everything its node wrote before it arrived too (links apply in commit order).
 */
export async function waitForMarkers(
  fx: TopologyFixture,
  table: string,
  keyColumn: string,
  markerKeys: Map<string, number>,
  timeoutMs: number,
  /** Whether node `at` receives `from`'s changes (default: every node every node's). */
  reaches: (from: string, at: string) => boolean = () => true,
): Promise<void> {
  for (const [short, key] of markerKeys) {
    const e = fx.endpoint(short);
    await e.query(`INSERT INTO ${e.tableRef(table)} (${keyColumn}) VALUES (${ph(e.engine, 1)})`, [key]);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let missing = 0;
    for (const n of fx.nodes) {
      const e = fx.endpoint(n.name);
      const keys = [...markerKeys].filter(([from]) => from === n.name || reaches(from, n.name)).map(([, key]) => key);
      const rows = await e.query(`SELECT count(*) AS c FROM ${e.tableRef(table)} WHERE ${keyColumn} IN (${keys.map((_, i) => ph(e.engine, i + 1)).join(', ')})`, keys);
      missing += keys.length - Number(rows[0]!.c);
    }
    if (missing === 0) return;
    const failed = fx.failure();
    if (failed !== undefined) throw failed;
    if (Date.now() > deadline) throw new Error(`${missing} marker rows still missing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
