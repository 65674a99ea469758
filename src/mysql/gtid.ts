import { ErrorCodes, TandemError } from '../errors.js';

/**
 * MariaDB GTID position: per replication domain, the last GTID applied (domain-server-seq). Text form
 * as in @@gtid_binlog_pos / @slave_connect_state: "0-1-100,1-2-7", domains ascending.
 */
export class MariadbGtidPosition {
  /** domain → [server, seq] */
  readonly #domains: Map<number, { server: number; seq: bigint }>;

  private constructor(domains: Map<number, { server: number; seq: bigint }>) {
    this.#domains = domains;
  }

  static empty(): MariadbGtidPosition {
    return new MariadbGtidPosition(new Map());
  }

  static parse(text: string): MariadbGtidPosition {
    const domains = new Map<number, { server: number; seq: bigint }>();
    for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const fields = part.split('-');
      if (fields.length !== 3 || !fields.every((f) => /^\d+$/.test(f))) throw badGtid(text, 'a MariaDB GTID list (domain-server-seq,…)');
      const [domain, server, seq] = fields as [string, string, string];
      domains.set(Number(domain), { server: Number(server), seq: BigInt(seq) });
    }
    return new MariadbGtidPosition(domains);
  }

  /** Whether the transaction with this GTID is at or before the position (GTIDs rise within a domain). */
  covers(domain: number, seq: bigint): boolean {
    const known = this.#domains.get(domain);
    return known !== undefined && seq <= known.seq;
  }

  with(domain: number, server: number, seq: bigint): MariadbGtidPosition {
    const next = new Map(this.#domains);
    next.set(domain, { server, seq });
    return new MariadbGtidPosition(next);
  }

  /** In place, for the hot path of the reader (positions handed out are copies). */
  set(domain: number, server: number, seq: bigint): void {
    this.#domains.set(domain, { server, seq });
  }

  copy(): MariadbGtidPosition {
    return new MariadbGtidPosition(new Map(this.#domains));
  }

  get isEmpty(): boolean {
    return this.#domains.size === 0;
  }

  domains(): Array<{ domain: number; server: number; seq: bigint }> {
    return [...this.#domains].map(([domain, v]) => ({ domain, ...v })).sort((a, b) => a.domain - b.domain);
  }

  /** -1 / 0 / 1 when one position is at or before the other in every domain, null when they diverge. */
  compare(other: MariadbGtidPosition): -1 | 0 | 1 | null {
    let less = false;
    let greater = false;
    for (const domain of new Set([...this.#domains.keys(), ...other.#domains.keys()])) {
      const a = this.#domains.get(domain)?.seq ?? -1n;
      const b = other.#domains.get(domain)?.seq ?? -1n;
      if (a < b) less = true;
      if (a > b) greater = true;
    }
    if (less && greater) return null;
    return less ? -1 : greater ? 1 : 0;
  }

  toString(): string {
    return this.domains().map((d) => `${d.domain}-${d.server}-${d.seq}`).join(',');
  }
}

/**
 * MySQL GTID set: per source UUID, a sorted list of disjoint closed intervals of transaction numbers.
 * Text form as in @@gtid_executed: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,…" (UUIDs ascending).
 */
export class MysqlGtidSet {
  readonly #sets: Map<string, Array<[bigint, bigint]>>;

  private constructor(sets: Map<string, Array<[bigint, bigint]>>) {
    this.#sets = sets;
  }

  static empty(): MysqlGtidSet {
    return new MysqlGtidSet(new Map());
  }

  static parse(text: string): MysqlGtidSet {
    const set = new MysqlGtidSet(new Map());
    for (const part of text.replace(/\s+/g, '').split(',').filter(Boolean)) {
      const [uuid, ...ranges] = part.split(':');
      if (!uuid || !/^[0-9a-fA-F-]{36}$/.test(uuid) || ranges.length === 0) throw badGtid(text, 'a MySQL GTID set (uuid:1-5:7,…)');
      for (const range of ranges) {
        const [from, to = from] = range.split('-');
        if (from === undefined || to === undefined || !/^\d+$/.test(from) || !/^\d+$/.test(to)) throw badGtid(text, 'a MySQL GTID set (uuid:1-5:7,…)');
        set.addRange(uuid.toLowerCase(), BigInt(from), BigInt(to));
      }
    }
    return set;
  }

  contains(uuid: string, gno: bigint): boolean {
    const intervals = this.#sets.get(uuid);
    if (!intervals) return false;
    for (const [from, to] of intervals) if (gno >= from && gno <= to) return true;
    return false;
  }

  add(uuid: string, gno: bigint): void {
    const intervals = this.#sets.get(uuid);
    const last = intervals?.[intervals.length - 1];
    if (last && gno === last[1] + 1n) last[1] = gno;
    else this.addRange(uuid, gno, gno);
  }

  addRange(uuid: string, from: bigint, to: bigint): void {
    const intervals = this.#sets.get(uuid) ?? [];
    intervals.push([from, to]);
    intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: Array<[bigint, bigint]> = [];
    for (const [f, t] of intervals) {
      const last = merged[merged.length - 1];
      if (last && f <= last[1] + 1n) {
        if (t > last[1]) last[1] = t;
      } else merged.push([f, t]);
    }
    this.#sets.set(uuid, merged);
  }

  copy(): MysqlGtidSet {
    return new MysqlGtidSet(new Map([...this.#sets].map(([k, v]) => [k, v.map(([a, b]) => [a, b] as [bigint, bigint])])));
  }

  /** Whether every GTID of this set is in `other`. */
  isSubsetOf(other: MysqlGtidSet): boolean {
    for (const [uuid, intervals] of this.#sets) {
      const theirs = other.#sets.get(uuid) ?? [];
      for (const [from, to] of intervals) if (!theirs.some(([f, t]) => f <= from && to <= t)) return false;
    }
    return true;
  }

  compare(other: MysqlGtidSet): -1 | 0 | 1 | null {
    const sub = this.isSubsetOf(other);
    const sup = other.isSubsetOf(this);
    if (sub && sup) return 0;
    if (sub) return -1;
    if (sup) return 1;
    return null;
  }

  get isEmpty(): boolean {
    return this.#sets.size === 0;
  }

  /**
   * The encoding COM_BINLOG_DUMP_GTID carries: n_sids u64 | per sid: uuid byte[16] | n_intervals u64 |
   * per interval: start u64 | end u64 (exclusive).
   */
  encode(): Buffer {
    const entries = [...this.#sets].sort(([a], [b]) => (a < b ? -1 : 1));
    const size = 8 + entries.reduce((n, [, iv]) => n + 16 + 8 + iv.length * 16, 0);
    const out = Buffer.alloc(size);
    let p = out.writeBigUInt64LE(BigInt(entries.length), 0);
    for (const [uuid, intervals] of entries) {
      Buffer.from(uuid.replaceAll('-', ''), 'hex').copy(out, p);
      p += 16;
      p = out.writeBigUInt64LE(BigInt(intervals.length), p);
      for (const [from, to] of intervals) {
        p = out.writeBigUInt64LE(from, p);
        p = out.writeBigUInt64LE(to + 1n, p);
      }
    }
    return out;
  }

  toString(): string {
    return [...this.#sets]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([uuid, iv]) => `${uuid}:${iv.map(([f, t]) => (f === t ? `${f}` : `${f}-${t}`)).join(':')}`)
      .join(',');
  }
}

function badGtid(text: string, expected: string): TandemError {
  return new TandemError(ErrorCodes.OFFSETS_CORRUPT, `"${text}" is not ${expected}`);
}
