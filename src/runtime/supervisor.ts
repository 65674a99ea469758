import { isTandemError } from '../errors.js';
import type { Logger } from '../logging.js';

/** A long-running part of the pipeline (a reader, later an applier). */
export interface Component {
  readonly name: string;
  /** Runs until stop() (resolves) or a failure (rejects). */
  run(): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A run that lasted this long resets the backoff. */
  healthyAfterMs?: number;
}

/**
 * Runs components, restarting each after a retryable failure with exponential backoff, and stopping
 * everything on the first failure that retrying cannot fix (which it then rethrows).
 */
export class Supervisor {
  readonly #log: Logger;
  readonly #options: Required<SupervisorOptions>;
  #stopping = false;
  readonly #active = new Set<Component>();
  readonly #wakers = new Set<() => void>();

  constructor(logger: Logger, options: SupervisorOptions = {}) {
    this.#log = logger.child({ component: 'supervisor' });
    this.#options = { initialBackoffMs: 500, maxBackoffMs: 30_000, healthyAfterMs: 60_000, ...options };
  }

  async runAll(factories: Array<() => Component>): Promise<void> {
    const loops = factories.map((make) => this.#loop(make));
    try {
      await Promise.all(loops);
    } catch (error) {
      await this.stop();
      await Promise.allSettled(loops);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const wake of this.#wakers) wake();
    await Promise.allSettled([...this.#active].map((c) => c.stop()));
  }

  async #loop(make: () => Component): Promise<void> {
    let backoff = this.#options.initialBackoffMs;
    while (!this.#stopping) {
      const component = make();
      this.#active.add(component);
      const startedAt = Date.now();
      try {
        await component.run();
        return;
      } catch (error) {
        if (this.#stopping) return;
        if (!isTandemError(error) || !error.canRetry) {
          this.#log.fatal({ err: error, name: component.name }, 'component failed; retrying cannot fix this');
          throw error;
        }
        if (Date.now() - startedAt >= this.#options.healthyAfterMs) backoff = this.#options.initialBackoffMs;
        this.#log.warn({ err: error, name: component.name, retryInMs: backoff }, 'component failed; restarting');
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, this.#options.maxBackoffMs);
      } finally {
        this.#active.delete(component);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }
}
