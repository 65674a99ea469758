import { tableDdl, type BenchDatabase, type EngineName } from './endpoints.js';

/** Row `i` of the benchmark table as parameters for `engine`: 8 columns, ~150 bytes. */
export function row(i: number, engine: EngineName): unknown[] {
  const micros = 1_700_000_000_000_000 + i * 1_234_567;
  const date = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19).replace('T', ' ');
  const stamp = `${date}.${String(micros % 1_000_000).padStart(6, '0')}`;
  return [
    String(i),
    String(i % 10_000),
    `${(i % 100_000) + 1}.${String(i % 100).padStart(2, '0')}`,
    `order note ${i} – delivered to the back door, please ring ✓`,
    engine === 'postgres' ? `${stamp}+00` : stamp,
    engine === 'postgres' ? (i % 2 === 0 ? 't' : 'f') : i % 2,
    JSON.stringify({ channel: i % 3 === 0 ? 'web' : 'shop', items: i % 7, gift: i % 11 === 0 }),
    String(i % 50),
  ];
}

const COLUMNS = ['id', 'customer_id', 'amount', 'note', 'created_at', 'is_paid', 'attrs', 'qty'];

export function insertSql(engine: EngineName, table: string, rows: number): string {
  const width = COLUMNS.length;
  const values = Array.from({ length: rows }, (_, r) =>
    `(${COLUMNS.map((_, c) => (engine === 'postgres' ? `$${r * width + c + 1}` : '?')).join(', ')})`,
  ).join(', ');
  return `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ${values}`;
}

/** Writes rows [from, to) into the source, `perTransaction` rows per source transaction (one multi-row INSERT each). */
export async function bulkInsert(db: BenchDatabase, from: number, to: number, perTransaction: number): Promise<void> {
  // The backlog is written before the applier starts; only its content matters, not commit latency.
  if (db.engine === 'postgres') await db.query('SET synchronous_commit = off');
  for (let start = from; start < to; start += perTransaction) {
    const n = Math.min(perTransaction, to - start);
    const params: unknown[] = [];
    for (let i = start; i < start + n; i++) params.push(...row(i, db.engine));
    await db.query(insertSql(db.engine, 'bench_rows', n), params);
  }
  if (db.engine === 'postgres') await db.query('RESET synchronous_commit');
}

/**
 * The ceiling: the same rows loaded straight into the target with plain multi-row INSERTs (500 rows per
 * statement, a commit every 5,000 rows, like the applier's batches), into a twin table. Returns seconds.
 */
export async function loadCeiling(db: BenchDatabase, rows: number): Promise<number> {
  await db.query(tableDdl(db.engine).replace('bench_rows', 'bench_ceiling'));
  return loadRows(db, 'bench_ceiling', rows);
}

/** Rows [0, rows) into `table` (which exists): 500 rows per INSERT, a commit every 5,000 rows, one connection. Returns seconds. */
export async function loadRows(db: BenchDatabase, table: string, rows: number): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < rows; start += 5_000) {
    await db.query(db.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
    for (let s = start; s < Math.min(rows, start + 5_000); s += 500) {
      const n = Math.min(500, rows - s, start + 5_000 - s);
      const params: unknown[] = [];
      for (let i = s; i < s + n; i++) params.push(...row(i, db.engine));
      await db.query(insertSql(db.engine, table, n), params);
    }
    await db.query('COMMIT');
  }
  return (performance.now() - started) / 1000;
}

export interface WrittenTransaction {
  /** The transaction id the applier reports (MariaDB: the GTID), when the writer can learn it. */
  id: string | undefined;
  committedAtMs: number;
  rows: number;
}

/**
 * Offers `rowsPerSecond` changes for `seconds`: every 10 ms one source transaction of rate/100 changes,
 * 80 % inserts and 20 % updates of earlier rows. Returns what it committed, with commit times.
 */
export async function pacedWriter(db: BenchDatabase, rowsPerSecond: number, seconds: number, firstId: number): Promise<WrittenTransaction[]> {
  const perTick = Math.max(1, Math.round(rowsPerSecond / 100));
  const inserts = Math.max(1, Math.round(perTick * 0.8));
  const updates = perTick - inserts;
  const out: WrittenTransaction[] = [];
  const started = performance.now();
  let next = firstId;
  for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
    const due = started + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await db.query(db.engine === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
    const params: unknown[] = [];
    for (let i = next; i < next + inserts; i++) params.push(...row(i, db.engine));
    await db.query(insertSql(db.engine, 'bench_rows', inserts), params);
    let updated = 0;
    if (updates > 0 && next > firstId + 100) {
      const ids = Array.from({ length: updates }, (_, k) => firstId + ((tick * 7919 + k * 104729) % (next - firstId)));
      const list = [...new Set(ids)];
      const where = db.engine === 'postgres' ? `id IN (${list.map((_, k) => `$${k + 1}`).join(', ')})` : `id IN (${list.map(() => '?').join(', ')})`;
      await db.query(`UPDATE bench_rows SET qty = qty + 1 WHERE ${where}`, list.map(String));
      updated = list.length;
    }
    next += inserts;
    await db.query('COMMIT');
    const committedAtMs = Date.now();
    const id = db.engine === 'mysql' ? String((await db.query('SELECT @@last_gtid AS g'))[0]?.g ?? '') || undefined : undefined;
    out.push({ id, committedAtMs, rows: inserts + updated });
  }
  return out;
}
