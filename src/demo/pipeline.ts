import type pg from 'pg';
import type { Applier } from '../applier/applier.js';
import { linkName } from '../applier/applier.js';
import type { TandemConfig } from '../config/schema.js';
import type { Logger } from '../logging.js';
import { createApplier, createMysqlReader, createPgReader } from '../runtime/components.js';
import { Supervisor, type Component } from '../runtime/supervisor.js';
import { INVENTORY, SHOP, SHOP_SLOT } from './demo-setup.js';
import { LinkMeter } from './live-line.js';

/**
 * The demo's pipeline under one Supervisor, as `tandem run` has it: the readers of both nodes first
 * (they install the shadow tables and triggers the appliers need), then the appliers of both links,
 * each reporting its commits to its LinkMeter.
 */
export class DemoPipeline {
  readonly #supervisor: Supervisor;
  readonly #running: Array<Promise<void>> = [];
  /** Every applier instance made (the Supervisor makes a new one after a restart), by link. */
  readonly #appliers = new Map<string, Applier[]>();
  readonly meters: { out: LinkMeter; back: LinkMeter };
  #inventoryStreaming = false;
  failure: unknown;

  /** `inventoryCommits`: commit times the inventory's workload notes (MariaDB), for the lag back to the shop. */
  constructor(
    private readonly config: TandemConfig,
    private readonly logger: Logger,
    inventoryCommits: Map<string, number> | undefined,
  ) {
    this.#supervisor = new Supervisor(logger);
    this.meters = { out: new LinkMeter(`${SHOP}→${INVENTORY}`), back: new LinkMeter(`${INVENTORY}→${SHOP}`, inventoryCommits) };
  }

  /** Starts the readers, waits until both stream (every later commit is captured), then starts the appliers. */
  async start(shop: pg.Client): Promise<void> {
    const node = (name: string) => this.config.nodes.find((n) => n.name === name)!;
    const readers: Array<() => Component> = [
      () => {
        const reader = createPgReader(node(SHOP), this.config, this.logger);
        return { name: `reader.${SHOP}`, run: () => reader.run(), stop: () => reader.stop() };
      },
      () => {
        const reader = createMysqlReader(node(INVENTORY), this.config, this.logger);
        void reader.streaming.then(() => (this.#inventoryStreaming = true));
        return { name: `reader.${INVENTORY}`, run: () => reader.run(), stop: () => reader.stop() };
      },
    ];
    this.#run(readers);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const slot = await shop.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1 AND active', [SHOP_SLOT]);
      if (slot.rowCount && this.#inventoryStreaming) break;
      if (this.failure !== undefined) throw this.failure;
      if (Date.now() > deadline) throw new Error('the readers did not start streaming within 60 s; run with TANDEM_LOG_LEVEL=info to see why');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.#run(
      this.config.links.map((link) => () => {
        const meter = link.from === SHOP ? this.meters.out : this.meters.back;
        const applier = createApplier(link, this.config, this.logger, { onCommitted: (info) => meter.record(info) });
        const name = linkName(link);
        this.#appliers.set(name, [...(this.#appliers.get(name) ?? []), applier]);
        return { name: `applier.${name}`, run: () => applier.run(), stop: () => applier.stop() };
      }),
    );
  }

  #run(factories: Array<() => Component>): void {
    const running = this.#supervisor.runAll(factories);
    running.catch((error: unknown) => (this.failure ??= error));
    this.#running.push(running);
  }

  /** Conflicts resolved so far: the sum of both appliers' stats (over restarts). */
  conflicts(): number {
    let n = 0;
    for (const instances of this.#appliers.values()) for (const a of instances) n += a.stats.conflicts;
    return n;
  }

  /** Appliers restarted after a transient failure (a deadlock with the workload, say). */
  restarts(): number {
    let n = 0;
    for (const instances of this.#appliers.values()) n += Math.max(0, instances.length - 1);
    return n;
  }

  /** Stops every component: the readers commit what they hold, the appliers the batch in hand. */
  async stop(): Promise<void> {
    await this.#supervisor.stop();
    await Promise.allSettled(this.#running);
  }
}
