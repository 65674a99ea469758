import type { CommitInfo } from '../applier/apply-context.js';

/**
 * Rows per second and end-to-end lag (source commit → target commit) of a link, from the applier's
 * commit reports, for the demo's live line.
 */
export class LinkMeter {
  readonly #window: Array<{ at: number; rows: number }> = [];
  readonly lags: number[] = [];
  rows = 0;

  record(info: CommitInfo): void {
    this.rows += info.events;
    this.#window.push({ at: info.committedAtMs, rows: info.events });
    for (const tx of info.sourceTransactions) this.lags.push(Math.max(0, info.committedAtMs - Number(tx.commitMicros / 1000n)));
  }

  /** Rows applied in the last second. */
  rowsPerSecond(now = Date.now()): number {
    while (this.#window.length > 0 && this.#window[0]!.at < now - 1000) this.#window.shift();
    return this.#window.reduce((n, w) => n + w.rows, 0);
  }

  percentile(p: number): number {
    if (this.lags.length === 0) return 0;
    const sorted = [...this.lags].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }

  line(now = Date.now()): string {
    const last = this.lags.at(-1) ?? 0;
    return `⟳ MySQL: ${this.rows} rows applied · ${this.rowsPerSecond(now)} rows/s · lag ${last} ms (p50 ${this.percentile(50)} ms, p99 ${this.percentile(99)} ms)`;
  }
}
