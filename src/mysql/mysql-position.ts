import { ErrorCodes, TandemError } from '../errors.js';
import type { SourcePosition } from '../reader/source-position.js';
import type { CatalogColumn } from './catalog-column.js';
import { MariadbGtidPosition, MysqlGtidSet } from './gtid.js';

export type MysqlFlavor = 'mariadb' | 'mysql';

/** A table's definition as the reader held it at a position: what rows right after it are decoded with. */
export interface StoredTable {
  columns: CatalogColumn[];
  key: string[];
}

/** The GTID of one transaction. */
export type TransactionGtid =
  | { flavor: 'mariadb'; domain: number; server: number; seq: bigint }
  | { flavor: 'mysql'; uuid: string; gno: bigint };

export function formatGtid(gtid: TransactionGtid): string {
  return gtid.flavor === 'mariadb' ? `${gtid.domain}-${gtid.server}-${gtid.seq}` : `${gtid.uuid}:${gtid.gno}`;
}

/**
 * A MySQL/MariaDB reader's position: the GTID state after the last published transaction (MariaDB: the
 * last GTID per domain; MySQL: the executed GTID set), with the binlog file and the end offset of that
 * transaction's commit event alongside (for people and for `mariadb-binlog --start-position`). The
 * reader resumes from the GTIDs; file and offset are informational.
 *
 * `tables` holds the definitions of the configured tables in force at this position, so that a restart
 * decodes the rows that follow with the columns they were written with, not with today's.
 */
export class MysqlPosition implements SourcePosition {
  readonly engine = 'mysql' as const;

  constructor(
    readonly gtids: MariadbGtidPosition | MysqlGtidSet,
    readonly file: string,
    readonly offset: number,
    readonly tables: Readonly<Record<string, StoredTable>> = {},
  ) {}

  get flavor(): MysqlFlavor {
    return this.gtids instanceof MariadbGtidPosition ? 'mariadb' : 'mysql';
  }

  /** Whether the transaction with this GTID is already published. */
  covers(gtid: TransactionGtid): boolean {
    if (gtid.flavor === 'mariadb') return this.gtids instanceof MariadbGtidPosition && this.gtids.covers(gtid.domain, gtid.seq);
    return this.gtids instanceof MysqlGtidSet && this.gtids.contains(gtid.uuid, gtid.gno);
  }

  /** -1 / 0 / 1 by GTID state; null when neither contains the other (or the flavors differ). */
  compare(other: MysqlPosition): -1 | 0 | 1 | null {
    if (this.gtids instanceof MariadbGtidPosition && other.gtids instanceof MariadbGtidPosition) return this.gtids.compare(other.gtids);
    if (this.gtids instanceof MysqlGtidSet && other.gtids instanceof MysqlGtidSet) return this.gtids.compare(other.gtids);
    return null;
  }

  toJson(): Record<string, unknown> {
    return { flavor: this.flavor, gtids: this.gtids.toString(), file: this.file, offset: this.offset, tables: this.tables };
  }

  toString(): string {
    return `gtid ${this.gtids.toString() || '(none)'} (${this.file}:${this.offset})`;
  }

  static fromJson(json: Record<string, unknown>): MysqlPosition {
    const { flavor, gtids, file, offset, tables } = json;
    if ((flavor !== 'mariadb' && flavor !== 'mysql') || typeof gtids !== 'string' || typeof file !== 'string' || typeof offset !== 'number') {
      throw new TandemError(
        ErrorCodes.OFFSETS_CORRUPT,
        `stored MySQL position ${JSON.stringify(json).slice(0, 300)} lacks flavor/gtids/file/offset; the offsets topic holds a record Tandem did not write`,
      );
    }
    const set = flavor === 'mariadb' ? MariadbGtidPosition.parse(gtids) : MysqlGtidSet.parse(gtids);
    return new MysqlPosition(set, file, offset, (tables ?? {}) as Record<string, StoredTable>);
  }
}
