import type pg from 'pg';

/** One way of writing the rows the reader then catches up on. */
export interface Workload {
  name: 'bulk' | 'single';
  label: string;
  rows: number;
  rowsPerTransaction: number;
}

export function workloads(scale: number): Workload[] {
  const rows = (n: number) => Math.max(1, Math.round(n * scale));
  return [
    { name: 'bulk', label: '1M inserts, 10k-row transactions', rows: rows(1_000_000), rowsPerTransaction: Math.min(10_000, rows(1_000_000)) },
    { name: 'single', label: '100k one-row transactions', rows: rows(100_000), rowsPerTransaction: 1 },
  ];
}

/**
 * A realistic row: bigint key, int, numeric(12,2), ~40 characters of text, timestamptz with
 * sub-second digits, boolean and a small jsonb document. Autovacuum is off for the table so it does
 * not compete for the CPU (or write WAL) during the measurement.
 */
export function tableDdl(table: string): string {
  return `CREATE TABLE ${table} (
    id bigint PRIMARY KEY,
    customer_id integer NOT NULL,
    amount numeric(12,2) NOT NULL,
    note text NOT NULL,
    created_at timestamptz NOT NULL,
    is_paid boolean NOT NULL,
    attrs jsonb NOT NULL
  ) WITH (autovacuum_enabled = false)`;
}

/** The row for key g, as SQL over a bigint column `g` (the same rows whichever writer is used). */
const ROW_SELECT = `SELECT g,
    ((g * 7919) % 100000)::int,
    ((g * 37) % 10000000) / 100.0,
    'order ' || g || ' leave at the door ' || substr(md5(g::text), 1, 10),
    timestamptz '2025-01-01 00:00:00+00' + g * interval '1.000123 second',
    g % 3 <> 0,
    jsonb_build_object('sku', 'SKU-' || (g % 5000), 'qty', 1 + g % 5, 'gift', g % 11 = 0)`;

export interface WriteOutcome {
  seconds: number;
  transactions: number;
  /** pg_current_wal_insert_lsn() inside the last transaction, before its COMMIT: every earlier commit ends at or before it, the last one after it. */
  beforeLastCommitLsn: string;
  /** pg_current_wal_insert_lsn() right after the last COMMIT: at or after the end of the last commit record. */
  afterLastCommitLsn: string;
}

/**
 * Writes the workload into `table` through `client` (a plain connection; synchronous_commit is turned
 * off for it, which changes when the writer is told "committed", not the WAL the readers decode).
 */
export async function writeWorkload(client: pg.Client, table: string, workload: Workload): Promise<WriteOutcome> {
  await client.query('SET synchronous_commit = off');
  const started = process.hrtime.bigint();
  const perTx = workload.rowsPerTransaction;
  const transactions = Math.ceil(workload.rows / perTx);
  const insertRange = (from: number, to: number) => `INSERT INTO ${table} ${ROW_SELECT} FROM generate_series(${from}::bigint, ${to}::bigint) AS s(g)`;
  // All transactions but the last.
  if (perTx === 1) {
    // Many "BEGIN; INSERT; COMMIT;" in one simple-protocol query: one round trip per 1000 transactions.
    const insertOne = (g: number) => `BEGIN; INSERT INTO ${table} ${ROW_SELECT} FROM (SELECT ${g}::bigint AS g) AS s; COMMIT;`;
    const perRoundTrip = 1000;
    for (let first = 1; first < transactions; first += perRoundTrip) {
      const last = Math.min(first + perRoundTrip - 1, transactions - 1);
      const parts: string[] = [];
      for (let g = first; g <= last; g++) parts.push(insertOne(g));
      await client.query(parts.join('\n'));
    }
  } else {
    for (let t = 0; t < transactions - 1; t++) await client.query(insertRange(t * perTx + 1, (t + 1) * perTx));
  }
  // The last transaction, with the WAL positions around its commit.
  const lastFrom = (transactions - 1) * perTx + 1;
  await client.query('BEGIN');
  await client.query(insertRange(lastFrom, workload.rows));
  const before = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  await client.query('COMMIT');
  const after = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.query('RESET synchronous_commit');
  return { seconds, transactions, beforeLastCommitLsn: before.rows[0]!.lsn, afterLastCommitLsn: after.rows[0]!.lsn };
}
