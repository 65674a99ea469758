import { afterAll, describe, expect, it } from 'vitest';
import { isTandemError, type ErrorCode } from '../../src/errors.js';
import { checkPreconditions, serverInfo } from '../../src/mysql/preconditions.js';
import { MysqlReaderFixture } from './helpers/mysql-fixture.js';

/*
 * Real MariaDB: each setting the reader cannot work with is refused with an error that names it and its
 * fix — at start for global settings, at the offending event for session overrides — and zero dates get
 * the configured treatment. A position whose binlogs were purged is a clear, non-retryable error.
 * Global settings are changed for one test each and restored in `finally`. Without
 * binlog_row_metadata=FULL the reader starts, with a warning.
 */
async function failure(fx: MysqlReaderFixture): Promise<Error & { code?: string; canRetry?: boolean }> {
  let running;
  try {
    running = await fx.startInProcess();
  } catch (error) {
    return error as Error;
  }
  const error = await Promise.race([
    running.done.then(() => new Error('the reader stopped without an error')),
    new Promise<Error>((resolve) => setTimeout(() => resolve(new Error('the reader did not fail within 20 s')), 20_000)),
  ]).catch((e: Error) => e);
  await running.stop().catch(() => undefined);
  return error;
}

function expectError(error: Error, code: ErrorCode, ...fragments: string[]): void {
  expect(isTandemError(error, code), `${error.message}`).toBe(true);
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

describe('mysql reader: refused settings and values', () => {
  const fxs: MysqlReaderFixture[] = [];
  const fixture = async (statements: string[] = [], options: Parameters<MysqlReaderFixture['setup']>[2] = {}) => {
    const fx = new MysqlReaderFixture();
    fxs.push(fx);
    return fx.setup(['t'], ['CREATE TABLE t (id INT PRIMARY KEY, a INT, d DATE, ts TIMESTAMP NULL)', ...statements], options);
  };
  afterAll(async () => {
    for (const fx of fxs) await fx.cleanup();
  });

  for (const [name, bad, good, fragments] of [
    ['binlog_format', "'STATEMENT'", "'ROW'", ['binlog_format is STATEMENT', "SET GLOBAL binlog_format = 'ROW'"]],
    ['binlog_row_image', "'MINIMAL'", "'FULL'", ['binlog_row_image is MINIMAL', "SET GLOBAL binlog_row_image = 'FULL'"]],
    ['log_bin_compress', 'ON', 'OFF', ['log_bin_compress is ON', 'SET GLOBAL log_bin_compress = OFF']],
  ] as const) {
    it(`refuses to start with ${name}=${bad}`, async () => {
      const fx = await fixture();
      await fx.sql.query(`SET GLOBAL ${name} = ${bad}`);
      try {
        expectError(await failure(fx), 'TANDEM_MYSQL_PRECONDITION', ...fragments);
      } finally {
        await fx.sql.query(`SET GLOBAL ${name} = ${good}`);
      }
    });
  }

  it('warns without binlog_row_metadata=FULL that mid-stream DDL can stop it, naming the fix', async () => {
    const fx = await fixture();
    const server = await serverInfo(fx.sql);
    const warnings = async () => {
      const out: string[] = [];
      await checkPreconditions(fx.sql, server, [], (message) => out.push(message));
      return out.filter((w) => w.includes('binlog_row_metadata'));
    };
    const previous = await fx.setRowMetadata('MINIMAL');
    try {
      const [warning] = await warnings();
      expect(warning).toContain('binlog_row_metadata is MINIMAL');
      expect(warning).toContain('TANDEM_MYSQL_TABLE_MISMATCH');
      expect(warning).toContain('SET GLOBAL binlog_row_metadata = FULL');
      await fx.sql.query('SET GLOBAL binlog_row_metadata = FULL');
      expect(await warnings()).toEqual([]);
    } finally {
      await fx.sql.query(`SET GLOBAL binlog_row_metadata = ${previous}`);
    }
  });

  it('refuses a user without replication privileges, naming the grant', async () => {
    const fx = await fixture();
    const user = `tq_${fx.id}`;
    await fx.sql.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
    try {
      await fx.sql.query(`GRANT SELECT ON \`${fx.database}\`.* TO '${user}'@'%'`);
      const url = new URL(fx.nodeUrl);
      url.username = user;
      url.password = 'pw';
      fx.config.nodes[0]!.connection = { url: url.toString() };
      expectError(await failure(fx), 'TANDEM_MYSQL_PRECONDITION', 'REPLICATION SLAVE', 'BINLOG MONITOR', 'GRANT');
    } finally {
      await fx.sql.query(`DROP USER '${user}'@'%'`);
    }
  });

  it('refuses partial row images written by a session that overrides binlog_row_image', async () => {
    const fx = await fixture();
    const running = await fx.startInProcess();
    await fx.sql.query('INSERT INTO t (id, a) VALUES (1, 1)');
    await fx.sql.query("SET SESSION binlog_row_image = 'MINIMAL'");
    await fx.sql.query('UPDATE t SET a = 2 WHERE id = 1');
    const error = await running.done.then(() => new Error('no error'), (e: Error) => e);
    expectError(error, 'TANDEM_MYSQL_PRECONDITION', 'binlog_row_image', 'FULL');
    await fx.sql.query("SET SESSION binlog_row_image = 'FULL'");
  });

  it('refuses statement-based changes of a replicated table', async () => {
    const fx = await fixture();
    const running = await fx.startInProcess();
    await fx.sql.query("SET SESSION binlog_format = 'STATEMENT'");
    await fx.sql.query('INSERT INTO t (id, a) VALUES (1, 1)');
    const error = await running.done.then(() => new Error('no error'), (e: Error) => e);
    expectError(error, 'TANDEM_MYSQL_PRECONDITION', 'statement-based', 'binlog_format=ROW');
    await fx.sql.query("SET SESSION binlog_format = 'ROW'");
  });

  it('refuses zero dates by default, naming the option', async () => {
    const fx = await fixture();
    const running = await fx.startInProcess();
    await fx.sql.query("SET SESSION sql_mode = ''");
    await fx.sql.query("INSERT INTO t VALUES (1, 1, '0000-00-00', NULL)");
    const error = await running.done.then(() => new Error('no error'), (e: Error) => e);
    expectError(error, 'TANDEM_VALUE_UNSUPPORTED', 'zero date 0000-00-00', 'mysql.zeroDates');
  });

  it('carries zero dates as NULL with zeroDates: null', async () => {
    const fx = await fixture([], { mysql: { zeroDates: 'null' } });
    const running = await fx.startInProcess();
    await fx.sql.query("SET SESSION sql_mode = ''");
    await fx.sql.query("INSERT INTO t VALUES (1, 1, '0000-00-00', '0000-00-00 00:00:00'), (2, 2, '2024-00-10', NULL), (3, 3, '2024-01-02', NULL)");
    const events = (await fx.waitForEvents(3)).map((r) => r.event);
    await running.stop();
    expect(events.map((e) => e.after)).toEqual([
      { id: 1, a: 1, d: null, ts: null },
      { id: 2, a: 2, d: null, ts: null },
      { id: 3, a: 3, d: 19724, ts: null },
    ]);
  });

  it('reports a purged position as lost, without retrying', async () => {
    const fx = await fixture();
    await fx.establishOffset('INSERT INTO t (id) VALUES (1)');
    await fx.sql.query('INSERT INTO t (id) VALUES (2)');
    const [[after2]] = (await fx.sql.query('SELECT @@GLOBAL.gtid_binlog_pos AS g')) as unknown as [[{ g: string }]];
    // MariaDB keeps a binlog until its binlog checkpoint has passed, so one PURGE may leave the file
    // holding row 2 in place: rotate and purge until the oldest binlog starts after row 2.
    for (let attempt = 0; attempt < 20; attempt++) {
      await fx.sql.query('FLUSH BINARY LOGS');
      const [[status]] = (await fx.sql.query('SHOW MASTER STATUS')) as unknown as [[{ File: string }]];
      await fx.sql.query(`PURGE BINARY LOGS TO '${status.File}'`);
      const [[oldest]] = (await fx.sql.query('SHOW BINARY LOGS')) as unknown as [[{ Log_name: string }]];
      const [[start]] = (await fx.sql.query('SELECT BINLOG_GTID_POS(?, 4) AS g', [oldest.Log_name])) as unknown as [[{ g: string }]];
      const seq = (gtid: string) => Number(gtid.split('-')[2] ?? -1); // the stack logs in one domain
      if (seq(start.g) >= seq(after2.g)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const error = await failure(fx);
    expectError(error, 'TANDEM_MYSQL_POSITION_LOST', 'purged', 'new snapshot');
    expect(error.canRetry).toBe(false);
  });
});
