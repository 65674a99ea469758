import type { CommitInfo, SourceTransactionRef } from '../applier/apply-context.js';

/**
 * When a source transaction committed, in ms. The source's commit time unless the workload noted the
 * transaction's commit itself (`known`, by transaction id: MariaDB stamps binlog commits to the second
 * only). A whole-second stamp without a note is a lower bound: the commit lies within that second, and
 * before the reader published it — take the latest time both allow.
 */
export function sourceCommitMs(tx: SourceTransactionRef, known?: Map<string, number>): number {
  const noted = known?.get(tx.id);
  if (noted !== undefined) {
    known!.delete(tx.id);
    return noted;
  }
  const ms = Number(tx.commitMicros / 1000n);
  if (tx.commitMicros % 1_000_000n !== 0n) return ms;
  return Math.max(ms, Math.min(ms + 999, tx.kafkaTimestampMs));
}

/**
 * Rows per second and end-to-end lag (source commit → target commit) of one link, from its applier's
 * commit reports, for the demo's live line.
 */
export class LinkMeter {
  readonly #window: Array<{ at: number; rows: number }> = [];
  readonly lags: number[] = [];
  rows = 0;

  /** `label`: "shop→inventory". `knownCommits`: commit times the workload noted (see sourceCommitMs). */
  constructor(
    readonly label: string,
    readonly knownCommits?: Map<string, number>,
  ) {}

  record(info: CommitInfo): void {
    this.rows += info.events;
    this.#window.push({ at: info.committedAtMs, rows: info.events });
    for (const tx of info.sourceTransactions) this.lags.push(Math.max(0, info.committedAtMs - sourceCommitMs(tx, this.knownCommits)));
  }

  /** Rows applied in the last second. */
  rowsPerSecond(now = Date.now()): number {
    while (this.#window.length > 0 && this.#window[0]!.at < now - 1000) this.#window.shift();
    return this.#window.reduce((n, w) => n + w.rows, 0);
  }

  /** The lag of the last applied source transaction, ms. */
  lastLag(): number {
    return this.lags.at(-1) ?? 0;
  }

  percentile(p: number): number {
    if (this.lags.length === 0) return 0;
    const sorted = [...this.lags].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }

  /** "shop→inventory 412 rows/s lag 180 ms". */
  part(now = Date.now()): string {
    return `${this.label} ${this.rowsPerSecond(now)} rows/s lag ${this.lastLag()} ms`;
  }

  /** "shop→inventory: 5210 rows applied, lag p50 120 ms, p99 410 ms". */
  summary(): string {
    return `${this.label}: ${this.rows} rows applied, source commit → target commit lag p50 ${this.percentile(50)} ms, p99 ${this.percentile(99)} ms`;
  }
}

/** The demo's status line: both directions and the conflicts resolved so far. */
export function statusLine(meters: readonly LinkMeter[], conflicts: number, now = Date.now()): string {
  return `⟳ ${meters.map((m) => m.part(now)).join(' | ')} | conflicts ${conflicts}`;
}
