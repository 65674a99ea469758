import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { validateConfig } from '../../src/config/load.js';
import { stackUp } from '../../src/stack/index.js';
import { runVerify } from '../../src/verify/verify-run.js';
import { formatCount, round } from '../framework/format.js';
import type { Benchmark } from '../framework/types.js';

/**
 * `tandem verify` read speed: the same N rows in a PostgreSQL table and a MariaDB table (bigint key,
 * numeric, text, timestamp(6), boolean, int), compared in both directions; rows/s per side.
 */
export const verifyBenchmark: Benchmark = {
  name: 'verify',
  description: 'tandem verify: rows/s per side comparing equal PostgreSQL and MariaDB tables',
  async run(args) {
    const { values } = parseArgs({ args, options: { rows: { type: 'string', default: '1000000' } } });
    const rows = Number(values.rows);
    if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
    const { env } = await stackUp();
    const id = randomBytes(4).toString('hex');
    const schema = `bench_v_${id}`;
    const pgClient = new pg.Client({ connectionString: env.pgUrl });
    await pgClient.connect();
    const my = await mysql.createConnection({ uri: env.mysqlUrl, multipleStatements: true });
    const mysqlUrl = new URL(env.mysqlUrl);
    mysqlUrl.pathname = `/${schema}`;
    try {
      await pgClient.query(`CREATE SCHEMA ${schema};
        CREATE TABLE ${schema}.big (id bigint PRIMARY KEY, amount numeric(12,2), name text, at timestamp(6), flag boolean, n int);
        INSERT INTO ${schema}.big SELECT id, id * 1.25, 'name ' || id, timestamp '2024-01-01' + id * interval '1 ms', id % 2 = 0, id % 1000 FROM generate_series(1, ${rows}) id;`);
      await pgClient.query(`VACUUM ANALYZE ${schema}.big`);
      await my.query(`CREATE DATABASE ${schema};
        CREATE TABLE ${schema}.big (id bigint PRIMARY KEY, amount decimal(12,2), name text, at datetime(6), flag boolean, n int);
        INSERT INTO ${schema}.big SELECT seq, seq * 1.25, CONCAT('name ', seq), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq * 1000 MICROSECOND, seq % 2 = 0, seq % 1000 FROM seq_1_to_${rows};`);
      const config = validateConfig({
        kafka: { brokers: env.kafkaBrokers },
        nodes: [
          { name: 'bench_pg', engine: 'postgres', connection: { url: env.pgUrl }, tables: [`${schema}.big`] },
          { name: 'bench_my', engine: 'mysql', connection: { url: mysqlUrl.toString() }, tables: [`${schema}.big`] },
        ],
        links: [
          { from: 'bench_pg', to: 'bench_my', tables: { [`${schema}.big`]: `${schema}.big` } },
          { from: 'bench_my', to: 'bench_pg', tables: { [`${schema}.big`]: `${schema}.big` } },
        ],
      });
      const results: Record<string, { seconds: number; rowsPerSecondPerSide: number; differing: number }> = {};
      for (const link of ['bench_pg->bench_my', 'bench_my->bench_pg']) {
        const report = await runVerify(config, { link });
        const table = report.tables[0]!;
        if (table.rowsA !== rows || table.rowsB !== rows || table.differingRows !== 0) {
          throw new Error(`verify over ${link} saw ${table.rowsA}/${table.rowsB} rows and ${table.differingRows} differences; expected ${rows} equal rows`);
        }
        results[link] = { seconds: round(table.seconds, 2), rowsPerSecondPerSide: round(rows / table.seconds, 0), differing: table.differingRows };
      }
      return {
        parameters: { rows, chunkRows: 20_000 },
        results,
        summary: Object.entries(results).map(([link, r]) => `verify ${link}: ${formatCount(rows)} rows per side in ${r.seconds} s = ${formatCount(r.rowsPerSecondPerSide)} rows/s per side`),
      };
    } finally {
      await pgClient.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await my.query(`DROP DATABASE IF EXISTS ${schema}`).catch(() => undefined);
      await pgClient.end();
      await my.end();
    }
  },
};
