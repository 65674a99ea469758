/**
 * A row version, as last-writer-wins compares it: the hybrid-logical-clock time the write was stamped
 * with (microseconds since the Unix epoch; max(wall clock, previous version of the row + 1 µs)) and the
 * rank of the node that stamped it. The greater (ts, rank) wins; equal ts are decided by rank, which is
 * unique per node, so every node picks the same winner.
 */
export interface RowVersion {
  ts: bigint;
  rank: number;
}

/** What a change carries about its row's version: the new one, who stamped it, and the one it replaced. */
export interface ChangeVersion extends RowVersion {
  /** The node whose clock (and rank) stamped `ts`. */
  node: string;
  /** The version the row had on the stamping node before this write ({0, 0}: none known). */
  prev: RowVersion;
}

/** The version a target row holds now, from its shadow row. */
export interface StoredVersion extends RowVersion {
  node: string;
  /** The row is deleted: a tombstone. */
  deleted: boolean;
}

export const NO_VERSION: RowVersion = Object.freeze({ ts: 0n, rank: 0 });

/** <0, 0, >0 as a is older than, equal to, newer than b. */
export function compareVersions(a: RowVersion, b: RowVersion): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.rank - b.rank;
}

export function sameVersion(a: RowVersion, b: RowVersion): boolean {
  return a.ts === b.ts && a.rank === b.rank;
}

export function showVersion(v: RowVersion): string {
  return `${new Date(Number(v.ts / 1000n)).toISOString().replace('Z', '')}${String(v.ts % 1000n).padStart(3, '0')}Z@${v.rank}`;
}
