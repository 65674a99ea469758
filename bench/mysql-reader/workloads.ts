import type { Connection } from 'mysql2/promise';
import type { Workload as MysqlWorkload } from '../pg-reader/workloads.js';

/** The same two workloads as the pg-reader benchmark, so the readers compare like for like. */
export { workloads as mysqlWorkloads, type Workload as MysqlWorkload } from '../pg-reader/workloads.js';

/** The row shape of the pg-reader benchmark in MySQL types: bigint key, int, decimal, text, timestamp(6), boolean, JSON. */
export function tableDdl(table: string): string {
  return `CREATE TABLE ${table} (
    id BIGINT PRIMARY KEY,
    customer_id INT NOT NULL,
    amount DECIMAL(12,2) NOT NULL,
    note VARCHAR(80) NOT NULL,
    created_at TIMESTAMP(6) NOT NULL,
    is_paid BOOLEAN NOT NULL,
    attrs JSON NOT NULL
  ) ENGINE=InnoDB`;
}

/** The row for key g (MariaDB's sequence engine supplies `seq`). */
const ROW_SELECT = `SELECT seq,
    (seq * 7919) % 100000,
    ((seq * 37) % 10000000) / 100.0,
    CONCAT('order ', seq, ' leave at the door ', SUBSTR(MD5(seq), 1, 10)),
    TIMESTAMP'2025-01-01 00:00:00' + INTERVAL (seq * 1000123) MICROSECOND,
    seq % 3 <> 0,
    JSON_OBJECT('sku', CONCAT('SKU-', seq % 5000), 'qty', 1 + seq % 5, 'gift', seq % 11 = 0)`;

export interface WriteOutcome {
  seconds: number;
  transactions: number;
}

/** Writes the workload into `table` (the connection needs multipleStatements for the one-row workload). */
export async function writeWorkload(sql: Connection, table: string, workload: MysqlWorkload): Promise<WriteOutcome> {
  const started = process.hrtime.bigint();
  const perTx = workload.rowsPerTransaction;
  const transactions = Math.ceil(workload.rows / perTx);
  if (perTx === 1) {
    // 1000 autocommitted one-row INSERTs per round trip: each is its own binlog transaction.
    for (let first = 1; first <= workload.rows; first += 1000) {
      const last = Math.min(first + 999, workload.rows);
      const parts: string[] = [];
      for (let g = first; g <= last; g++) parts.push(`INSERT INTO ${table} ${ROW_SELECT} FROM seq_${g}_to_${g};`);
      await sql.query(parts.join('\n'));
    }
  } else {
    for (let t = 0; t < transactions; t++) {
      const from = t * perTx + 1;
      const to = Math.min((t + 1) * perTx, workload.rows);
      await sql.query(`INSERT INTO ${table} ${ROW_SELECT} FROM seq_${from}_to_${to}`);
    }
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, transactions };
}
