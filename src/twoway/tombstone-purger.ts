import type { TableName } from '../applier/link-routes.js';
import type { NodeConfig } from '../config/schema.js';
import type { Logger } from '../logging.js';
import { purgeTombstones } from './install-versioning.js';

const MAX_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes a two-way target's tombstones once they are older than the retention, now and then (a tenth of
 * the retention, at most every 10 minutes). A change older than the retention could then bring a deleted
 * row back: the retention must exceed the worst replication lag (the arbiter warns when it does not).
 */
export class TombstonePurger {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  purged = 0;

  constructor(
    private readonly node: NodeConfig,
    private readonly shadows: readonly TableName[],
    private readonly retentionMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    const interval = Math.max(1_000, Math.min(MAX_INTERVAL_MS, this.retentionMs / 10));
    this.#timer = setInterval(() => void this.purgeOnce(), interval);
    this.#timer.unref();
    void this.purgeOnce();
  }

  async purgeOnce(): Promise<void> {
    if (this.#running) return this.#running;
    const before = BigInt(Date.now() - this.retentionMs) * 1000n;
    this.#running = purgeTombstones(this.node, this.shadows, before)
      .then((n) => {
        this.purged += n;
        if (n > 0) this.log.info({ tombstones: n, node: this.node.name }, 'purged tombstones older than the retention');
      })
      .catch((error: unknown) => this.log.warn({ err: error, node: this.node.name }, 'tombstone purge failed; will try again'))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
