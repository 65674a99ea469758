import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyLabel } from '../../src/verify/report-text.js';
import { runVerify } from '../../src/verify/verify-run.js';
import { ApplierFixture } from './helpers/applier-fixture.js';
import { PROJECT_ROOT } from './helpers/tandem-process.js';

const PG_DDL = [
  `CREATE TABLE items (id int PRIMARY KEY, big bigint, amount numeric(12,2), name text, at timestamp(6), flag boolean, doc jsonb, data bytea, note text)`,
  `INSERT INTO items SELECT id, id * 1000000000000::bigint, id * 1.5, 'naïve ☃ ' || id, timestamp '2024-01-01 00:00:00.123456' + id * interval '1 second',
     id % 2 = 0, jsonb_build_object('b', id, 'a', 'x'), decode(lpad(to_hex(id), 4, '0'), 'hex'), CASE WHEN id % 3 = 0 THEN NULL WHEN id % 3 = 1 THEN '' ELSE 'n' END
     FROM generate_series(1, 300) id`,
  `CREATE TABLE order_lines (order_id int, line int, qty int, memo varchar(20), PRIMARY KEY (order_id, line))`,
  `INSERT INTO order_lines SELECT o, l, o * l, 'm' || o FROM generate_series(1, 30) o, generate_series(1, 5) l`,
  // Keys past 2^53: a bound sent as a string would compare as a double on MySQL and shift chunk ranges.
  // real/FLOAT with 8 significant digits: MariaDB prints FLOAT rounded to 6, so verify reads it as DOUBLE.
  `CREATE TABLE wide (id bigint PRIMARY KEY, v real, d double precision)`,
  `INSERT INTO wide SELECT 9007199254740993 + n, n * 3.1415927, n + 0.1 FROM generate_series(1, 200) n`,
];

const MY_DDL = [
  `CREATE TABLE items (id int PRIMARY KEY, big bigint, amount decimal(12,2), title text, at datetime(6), flag boolean, doc json, data varbinary(64), note text)`,
  `INSERT INTO items SELECT seq, seq * 1000000000000, seq * 1.5, CONCAT('naïve ☃ ', seq), TIMESTAMP'2024-01-01 00:00:00.123456' + INTERVAL seq SECOND,
     seq % 2 = 0, JSON_OBJECT('b', seq, 'a', 'x'), UNHEX(LPAD(HEX(seq), 4, '0')), CASE WHEN seq % 3 = 0 THEN NULL WHEN seq % 3 = 1 THEN '' ELSE 'n' END
     FROM seq_1_to_300`,
  `CREATE TABLE order_lines (order_id int, line int, qty int, memo varchar(20), PRIMARY KEY (order_id, line))`,
  `INSERT INTO order_lines SELECT o.seq, l.seq, o.seq * l.seq, CONCAT('m', o.seq) FROM seq_1_to_30 o, seq_1_to_5 l`,
  `CREATE TABLE wide (id bigint PRIMARY KEY, v float, d double)`,
  `INSERT INTO wide SELECT 9007199254740993 + seq, seq * 3.1415927, seq + 0.1 FROM seq_1_to_200`,
];

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('tandem verify, PostgreSQL against MariaDB', () => {
  const fx = new ApplierFixture('postgres', 'mysql');
  const link = (): string => `${fx.sourceNode}->${fx.targetNode}`;

  beforeAll(async () => {
    await fx.setup({
      tables: ['items', 'order_lines', 'wide'],
      sourceDdl: PG_DDL,
      targetDdl: MY_DDL,
      link: { columns: { [fx.source.tableRef('items')]: { name: 'title' } } },
    });
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  it('finds equal tables equal (exit 0), across chunk boundaries', async () => {
    const report = await runVerify(fx.config, { link: link() }, { chunkRows: 64 });
    expect(report.tables.map((t) => [t.rowsA, t.rowsB, t.differingRows])).toEqual([
      [300, 300, 0],
      [150, 150, 0],
      [200, 200, 0],
    ]);
    const cli = await runCli(['--config', fx.configFile, '--link', link()]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('300 rows on');
  });

  it('names exactly the changed, deleted and added keys with both sides values (exit 1)', async () => {
    await fx.target.query('UPDATE items SET amount = 99.99 WHERE id = 7');
    await fx.target.query('DELETE FROM items WHERE id = 150');
    await fx.target.query("INSERT INTO items (id, title, flag, doc) VALUES (1000, 'extra', 1, '{}')");
    await fx.target.query('UPDATE order_lines SET qty = 0 WHERE order_id = 3 AND line = 2');
    await fx.target.query('DELETE FROM order_lines WHERE order_id = 5 AND line = 1');
    await fx.target.query("INSERT INTO order_lines VALUES (5, 9, 45, 'new')");

    const report = await runVerify(fx.config, { link: link() }, { chunkRows: 64 });
    const [items, lines] = report.tables;
    expect(items!.differences.map((d) => [d.key, d.a === undefined, d.b === undefined])).toEqual([
      [['7'], false, false],
      [['150'], false, true],
      [['1000'], true, false],
    ]);
    const seven = items!.differences[0]!;
    const amount = items!.names.indexOf('amount');
    expect([seven.a![amount], seven.b![amount]]).toEqual(['10.50', '99.99']);
    expect(lines!.differences.map((d) => d.key)).toEqual([
      ['3', '2'],
      ['5', '1'],
      ['5', '9'],
    ]);

    const cli = await runCli(['--config', fx.configFile, '--link', link(), '--chunk-rows', '50']);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('3 differing keys');
    for (const key of [['7'], ['150'], ['1000']]) expect(cli.stdout).toContain(`key ${keyLabel(['id'], key)}`);
    expect(cli.stdout).toContain(`key ${keyLabel(['order_id', 'line'], ['5', '9'])}: only on ${fx.targetNode}`);
    expect(cli.stdout).toContain('"amount":"99.99"');

    // The other way round: MariaDB drives the key ranges, PostgreSQL answers them.
    const tables = (f: (t: string) => string, g: (t: string) => string): Record<string, string> =>
      Object.fromEntries(['items', 'order_lines', 'wide'].map((t) => [f(t), g(t)]));
    const reverse = {
      ...fx.config,
      links: [
        {
          ...fx.link,
          from: fx.targetNode,
          to: fx.sourceNode,
          tables: tables((t) => fx.target.tableRef(t), (t) => fx.source.tableRef(t)),
          columns: { [fx.target.tableRef('items')]: { title: 'name' } },
        },
      ],
    };
    const back = await runVerify(reverse, { link: `${fx.targetNode}->${fx.sourceNode}` }, { chunkRows: 64 });
    expect(back.tables.map((t) => t.differences.map((d) => d.key))).toEqual([[['7'], ['150'], ['1000']], [['3', '2'], ['5', '9'], ['5', '1']], []]);
  });

  it('compares same-named tables of two nodes with --from/--to, and exits 2 on errors', async () => {
    // Without the link's rename, items.name has no counterpart on the MariaDB side: it is reported, not compared.
    const report = await runVerify(fx.config, { from: fx.sourceNode, to: fx.targetNode });
    expect(report.tables[0]!.skipped).toEqual(['name']);
    const cli = await runCli(['--config', fx.configFile, '--from', fx.sourceNode, '--to', 'nosuchnode']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('TANDEM_VERIFY_USAGE');
  });
});
