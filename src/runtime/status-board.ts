import type { Logger } from '../logging.js';

type Counters = Record<string, number>;

/**
 * What `tandem run` reports about its components: each registers a getter for its counters (a restarted
 * component registers its new instance; counts carried by the earlier instances are kept and added).
 */
export class StatusBoard {
  readonly #live = new Map<string, () => Counters | undefined>();
  readonly #carried = new Map<string, Counters>();

  /** Registers the counters of a component's new instance, folding in the previous instance's. */
  register(name: string, counters: () => Counters | undefined): void {
    const previous = this.#live.get(name)?.();
    if (previous) this.#carried.set(name, add(this.#carried.get(name) ?? {}, previous));
    this.#live.set(name, counters);
  }

  /** Every component's counters since `tandem run` started. */
  snapshot(): Record<string, Counters> {
    const out: Record<string, Counters> = {};
    for (const [name, live] of this.#live) out[name] = add(this.#carried.get(name) ?? {}, live() ?? {});
    return out;
  }

  /** Logs the snapshot every `intervalMs` (info, one line); returns the stop function. */
  logEvery(logger: Logger, intervalMs: number): () => void {
    const timer = setInterval(() => logger.info({ components: this.snapshot() }, 'status'), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

function add(a: Counters, b: Counters): Counters {
  const out: Counters = { ...a };
  for (const [k, v] of Object.entries(b)) if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
  return out;
}
