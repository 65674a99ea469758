import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { MysqlFlavor } from './mysql-position.js';

const ER_BAD_FIELD_ERROR = 1054;

/** A collation's character set and that set's longest character in bytes. */
export interface CollationInfo {
  charset: string;
  maxBytes: number;
}

/**
 * What the server's collation numbers mean: the binlog's TABLE_MAP names character sets by collation
 * number only. Server-wide facts (not a table's shape), read once at start.
 */
export class ServerCharsets {
  readonly #byId: ReadonlyMap<number, CollationInfo>;
  readonly #maxBytes: ReadonlyMap<string, number>;

  constructor(collations: Iterable<readonly [number, CollationInfo]>) {
    const byId = new Map(collations);
    this.#byId = byId;
    this.#maxBytes = new Map([...byId.values()].map((c) => [c.charset, c.maxBytes]));
  }

  collation(id: number): CollationInfo | undefined {
    return this.#byId.get(id);
  }

  /** Bytes per character of a character set by name (binary: 1); undefined when the server did not list it. */
  maxBytes(charset: string | null): number | undefined {
    return charset === null ? 1 : this.#maxBytes.get(charset);
  }
}

/**
 * Every collation number the server knows. MySQL lists them all in information_schema.COLLATIONS;
 * MariaDB 10.10+ lists the numbers of its character-set-specific collation names (utf8mb4_uca1400_ai_ci, …)
 * only in COLLATION_CHARACTER_SET_APPLICABILITY.
 */
export async function readServerCharsets(sql: Connection, flavor: MysqlFlavor): Promise<ServerCharsets> {
  type Row = RowDataPacket & { ID: number | string; CHARACTER_SET_NAME: string; MAXLEN: number | string };
  const [rows] = await sql.query<Row[]>(
    `SELECT c.ID, c.CHARACTER_SET_NAME, s.MAXLEN FROM information_schema.COLLATIONS c
       JOIN information_schema.CHARACTER_SETS s ON s.CHARACTER_SET_NAME = c.CHARACTER_SET_NAME WHERE c.ID IS NOT NULL`,
  );
  const all = [...rows];
  if (flavor === 'mariadb') {
    try {
      const [more] = await sql.query<Row[]>(
        `SELECT a.ID, a.CHARACTER_SET_NAME, s.MAXLEN FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY a
           JOIN information_schema.CHARACTER_SETS s ON s.CHARACTER_SET_NAME = a.CHARACTER_SET_NAME`,
      );
      all.push(...more);
    } catch (error) {
      // MariaDB before 10.10 has no ID column there (ER_BAD_FIELD_ERROR), and COLLATIONS lists every number.
      if ((error as { errno?: number }).errno !== ER_BAD_FIELD_ERROR) throw error;
    }
  }
  return new ServerCharsets(all.map((r) => [Number(r.ID), { charset: r.CHARACTER_SET_NAME.toLowerCase(), maxBytes: Number(r.MAXLEN) }] as const));
}
