import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSkewedMariadb, type SkewedMariadb } from './helpers/skewed-mariadb.js';

const TOLERANCE_MS = 500;

/** The server's UTC wall clock minus ours, in ms, measured at the midpoint of the round trip. */
async function measureSkewMs(sql: mysql.Connection): Promise<number> {
  const before = Date.now();
  const [rows] = await sql.query<mysql.RowDataPacket[]>(
    "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) AS us",
  );
  const after = Date.now();
  return Number(rows[0]?.['us']) / 1000 - (before + after) / 2;
}

async function connect(db: SkewedMariadb): Promise<mysql.Connection> {
  const sql = await mysql.createConnection({ uri: db.url });
  sql.on('error', () => undefined);
  return sql;
}

describe('skewed MariaDB (libfaketime)', () => {
  let db: SkewedMariadb;
  let sql: mysql.Connection;

  beforeAll(async () => {
    db = await startSkewedMariadb({ name: 'selftest', skewSeconds: 2 });
    sql = await connect(db);
  });

  afterAll(async () => {
    await sql?.end().catch(() => undefined);
    await db?.stop();
  });

  it('runs with the stack MariaDB replication settings and its own server id', async () => {
    const [rows] = await sql.query<mysql.RowDataPacket[]>(
      'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS image, ' +
        '@@binlog_row_metadata AS metadata, @@gtid_strict_mode AS strict, @@server_id AS serverId, ' +
        '@@time_zone AS tz, DATABASE() AS db, CURRENT_USER() AS user',
    );
    expect(rows[0]).toMatchObject({
      logBin: 1,
      format: 'ROW',
      image: 'FULL',
      metadata: 'FULL',
      strict: 1,
      serverId: db.serverId,
      tz: '+00:00',
      db: 'tandem',
    });
    expect(db.serverId).not.toBe(1);
    const [grants] = await sql.query<mysql.RowDataPacket[]>('SHOW GRANTS');
    expect(grants.map((row) => Object.values(row)[0]).join('\n')).toMatch(/GRANT ALL PRIVILEGES ON \*\.\* TO `tandem`/);
  });

  it('its clock runs ~2 s ahead, then ~2 s behind after setSkew(-2)', async () => {
    expect(Math.abs((await measureSkewMs(sql)) - 2000)).toBeLessThan(TOLERANCE_MS);

    await db.setSkew(-2);
    expect(db.skewSeconds).toBe(-2);
    const deadline = Date.now() + 3000;
    let skew = await measureSkewMs(sql);
    while (Math.abs(skew + 2000) >= TOLERANCE_MS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      skew = await measureSkewMs(sql);
    }
    expect(Math.abs(skew + 2000)).toBeLessThan(TOLERANCE_MS);
  });

  it('writes GTIDs to its binlog', async () => {
    await sql.query('CREATE TABLE gtid_probe (id INT PRIMARY KEY)');
    await sql.query('INSERT INTO gtid_probe VALUES (1)');
    const [rows] = await sql.query<mysql.RowDataPacket[]>('SELECT @@gtid_binlog_pos AS pos');
    expect(String(rows[0]?.['pos'])).toMatch(new RegExp(`^0-${db.serverId}-\\d+$`));
  });

  it('keeps committed rows across kill -9 and start, still skewed', async () => {
    await sql.query('CREATE TABLE survivors (id INT PRIMARY KEY, note VARCHAR(20))');
    await sql.query("INSERT INTO survivors VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    await sql.end();

    await db.kill();
    await expect(mysql.createConnection({ uri: db.url, connectTimeout: 1000 })).rejects.toThrow();
    await db.start();

    sql = await connect(db);
    const [rows] = await sql.query<mysql.RowDataPacket[]>('SELECT id, note FROM survivors ORDER BY id');
    expect(rows).toEqual([
      { id: 1, note: 'one' },
      { id: 2, note: 'two' },
      { id: 3, note: 'three' },
    ]);
    expect(Math.abs((await measureSkewMs(sql)) + 2000)).toBeLessThan(TOLERANCE_MS);
  });
});
