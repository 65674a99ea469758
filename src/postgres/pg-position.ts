import { ErrorCodes, TandemError } from '../errors.js';
import type { SourcePosition } from '../reader/source-position.js';
import { formatLsn, parseLsn, type Lsn } from './pgoutput/lsn.js';

/**
 * A PostgreSQL reader's position: the end LSN of the last source transaction published. Every
 * transaction whose commit record lies before it is in Kafka; every later one is not.
 */
export class PgPosition implements SourcePosition {
  readonly engine = 'postgres' as const;

  constructor(readonly endLsn: Lsn) {}

  /** Whether the transaction whose commit record starts at `finalLsn` is already published. */
  covers(finalLsn: Lsn): boolean {
    return finalLsn < this.endLsn;
  }

  compare(other: PgPosition): number {
    return this.endLsn < other.endLsn ? -1 : this.endLsn > other.endLsn ? 1 : 0;
  }

  toJson(): Record<string, unknown> {
    return { endLsn: formatLsn(this.endLsn) };
  }

  toString(): string {
    return `lsn ${formatLsn(this.endLsn)}`;
  }

  static fromJson(json: Record<string, unknown>): PgPosition {
    if (typeof json.endLsn !== 'string') {
      throw new TandemError(ErrorCodes.OFFSETS_CORRUPT, `stored PostgreSQL position ${JSON.stringify(json)} has no endLsn; the offsets topic holds a record Tandem did not write`);
    }
    return new PgPosition(parseLsn(json.endLsn));
  }
}
