import { waitForExit, type TandemChild } from './tandem-process.js';
import type { TopologyFixture } from './topology-fixture.js';

/** Runs components as `tandem run --only …` children; kills one with SIGKILL now and then and restarts it. */
export class KilledComponents {
  readonly #children = new Map<string, TandemChild>();
  readonly #expectedExit = new Set<TandemChild>();
  kills = 0;

  /** `groups`: each a list of `--only` selectors run together in one child (a node's Tandem process). */
  constructor(
    private readonly fx: TopologyFixture,
    readonly groups: string[][],
  ) {
    for (const g of groups) this.#start(g);
  }

  get selectors(): string[] {
    return this.groups.map((g) => g.join(','));
  }

  #start(group: string[]): void {
    this.#children.set(group.join(','), this.fx.spawn(group));
  }

  /** A component that exited without being killed: its stderr. */
  failure(): string | undefined {
    for (const [selector, child] of this.#children) {
      if ((child.exitCode !== null || child.signalCode !== null) && !this.#expectedExit.has(child)) return `${selector} exited (${child.exitCode ?? child.signalCode}): ${child.stderrTail()}`;
    }
    return undefined;
  }

  /** The stderr tails of all components, for a failure message. */
  tails(): string {
    return [...this.#children].map(([s, c]) => `--- ${s}:\n${c.stderrTail().slice(-3000)}`).join('\n');
  }

  async killOne(rand: () => number): Promise<void> {
    const group = this.groups[Math.floor(rand() * this.groups.length)]!;
    const selector = group.join(',');
    const child = this.#children.get(selector)!;
    this.#expectedExit.add(child);
    child.kill('SIGKILL');
    await waitForExit(child, 10_000);
    this.kills++;
    await new Promise((resolve) => setTimeout(resolve, 200 + rand() * 800));
    this.#start(group);
  }

  async stopAll(): Promise<void> {
    for (const child of this.#children.values()) {
      this.#expectedExit.add(child);
      child.kill('SIGTERM');
    }
    for (const child of this.#children.values()) await waitForExit(child, 30_000).catch(() => child.kill('SIGKILL'));
  }
}

