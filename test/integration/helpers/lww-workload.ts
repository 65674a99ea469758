import { Endpoint, type EngineName } from './applier-fixture.js';
import { seeded } from './applier-workload.js';
import { ph, type TopologyFixture } from './topology-fixture.js';

/** The table of last-writer-wins tests: few keys, written from every node at once. */
export const HOT = 'hot';

export function hotDdl(engine: EngineName): string[] {
  return engine === 'postgres'
    ? [`CREATE TABLE ${HOT} (id integer PRIMARY KEY, val varchar(64), writer varchar(32))`]
    : [`CREATE TABLE ${HOT} (id int PRIMARY KEY, val varchar(64), writer varchar(32)) ENGINE=InnoDB`];
}

/** One write a node made, with the version its trigger stamped (read back in the same transaction). */
export interface RecordedWrite {
  node: string;
  key: number;
  /** null: the write deleted the row. */
  value: string | null;
  ts: bigint;
  rank: number;
  prevTs: bigint;
}

/**
 * Writes random upserts, updates and deletes on `keys` hot keys into one node until `until()` says
 * stop, recording every write that changed a row with its version. Each write locks the key's shadow
 * row first, so the version read back is the write's own.
 */
export interface HotKeyOptions {
  keys: number;
  /** Keys are keyBase + 1 … keyBase + keys. */
  keyBase?: number;
  seed: number;
  pauseMs: number;
  until: () => boolean;
  /** The table has a shadow (two-way): record versions. Otherwise ts and rank are 0. */
  versioned?: boolean;
}

export async function writeHotKeys(fx: TopologyFixture, node: string, options: HotKeyOptions): Promise<RecordedWrite[]> {
  const versioned = options.versioned ?? true;
  const base = fx.endpoint(node);
  const e = new Endpoint(base.engine, base.database, base.serverUrl);
  await e.connect();
  const rand = seeded(options.seed);
  const writes: RecordedWrite[] = [];
  const p = (n: number) => ph(e.engine, n);
  const shadow = `tandem_v_${HOT}`;
  const versionSql = `SELECT tandem_ts AS ts, tandem_rank AS rank, tandem_prev_ts AS prev, tandem_deleted AS deleted, tandem_node AS stamped_by FROM ${shadow} WHERE id = ${p(1)}`;
  const self = fx.nodeName(node);
  let n = 0;
  try {
    while (!options.until()) {
      if (n > 0 && options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, rand() * options.pauseMs));
      const key = (options.keyBase ?? 0) + 1 + Math.floor(rand() * options.keys);
      const value = `${node}-${++n}`;
      const roll = rand();
      try {
        await e.query(e.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
        const before = versioned ? ((await e.query(`${versionSql} FOR UPDATE`, [key]))[0]?.ts ?? null) : null;
        const existed = (await e.query(`SELECT 1 FROM ${HOT} WHERE id = ${p(1)} FOR UPDATE`, [key])).length > 0;
        if (roll < 0.5) {
          await e.query(
            e.engine === 'postgres'
              ? `INSERT INTO ${HOT} (id, val, writer) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val, writer = EXCLUDED.writer`
              : `INSERT INTO ${HOT} (id, val, writer) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE val = VALUES(val), writer = VALUES(writer)`,
            [key, value, node],
          );
        } else if (roll < 0.8) {
          await e.query(`UPDATE ${HOT} SET val = ${p(1)}, writer = ${p(2)} WHERE id = ${p(3)}`, [value, node, key]);
        } else {
          await e.query(`DELETE FROM ${HOT} WHERE id = ${p(1)}`, [key]);
        }
        if (!versioned) {
          await e.query('COMMIT');
          if (roll < 0.5 || existed) writes.push({ node, key, value: roll < 0.8 ? value : null, ts: 0n, rank: 0, prevTs: 0n });
          continue;
        }
        const after = (await e.query(versionSql, [key]))[0];
        await e.query('COMMIT');
        // Only a version this node's trigger stamped is this write's: an UPDATE or DELETE that found no row
        // stamps nothing, and with no shadow row to lock at the start an applier may have versioned the key
        // meanwhile (its version, not ours).
        if (after && after.ts !== before && after.stamped_by === self) {
          const deleted = after.deleted === 'true' || after.deleted === '1' || after.deleted === 't';
          writes.push({ node, key, value: deleted ? null : value, ts: BigInt(after.ts!), rank: Number(after.rank), prevTs: BigInt(after.prev!) });
        }
      } catch (error) {
        await e.query('ROLLBACK').catch(() => undefined);
        // A deadlock with the applier is the database's answer to two writers; anything else is not expected.
        const code = String((error as { code?: unknown }).code);
        if (!['40P01', '40001', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT'].includes(code)) throw error;
      }
    }
  } finally {
    await e.close();
  }
  return writes;
}

/** Each key's expected final value by last-writer-wins over every recorded write (null: deleted or never written). */
export function expectedWinners(writes: readonly RecordedWrite[]): Map<number, RecordedWrite> {
  const winners = new Map<number, RecordedWrite>();
  for (const w of writes) {
    const best = winners.get(w.key);
    if (!best || w.ts > best.ts || (w.ts === best.ts && w.rank > best.rank)) winners.set(w.key, w);
  }
  return winners;
}

/** The hot table of a node: key → value. */
export async function hotRows(fx: TopologyFixture, node: string): Promise<Map<number, string>> {
  const e = fx.endpoint(node);
  const rows = await e.query(`SELECT id, val FROM ${HOT} WHERE id > 0 ORDER BY id`);
  return new Map(rows.map((r) => [Number(r.id), r.val!]));
}

/** Differences between a node's hot rows and the expected winners (empty: as predicted). */
export function unexpected(rows: Map<number, string>, winners: Map<number, RecordedWrite>): string[] {
  const out: string[] = [];
  for (const [key, w] of winners) {
    const have = rows.get(key) ?? null;
    if (have !== w.value) out.push(`key ${key}: holds ${have}, expected ${w.value} (written on ${w.node} at version ${w.ts}@${w.rank})`);
  }
  for (const key of rows.keys()) if (!winners.has(key)) out.push(`key ${key}: holds ${rows.get(key)}, but nothing wrote it`);
  return out;
}
