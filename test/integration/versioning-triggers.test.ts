import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableName } from '../../src/applier/link-routes.js';
import { isTandemError } from '../../src/errors.js';
import { installVersioning, purgeTombstones } from '../../src/twoway/install-versioning.js';
import { shadowTableName } from '../../src/twoway/shadow-table.js';
import { Endpoint, type EngineName, type TextRow } from './helpers/applier-fixture.js';

/*
 * Shadow tables and the triggers that stamp local writes, one suite for both engines and for a
 * one-column and a composite (integer + collated text) key: versions, the hybrid logical clock, applier
 * sessions, key changes, multi-row statements, re-installation, purging — and, what the readers rely
 * on, that in the WAL / binlog each shadow row change comes before its data row change.
 */
type KeyKind = 'single' | 'composite';
type Change = { table: 'shadow' | 'data'; op: string };

/** What differs between the engines: quoting, DDL, the applier flag, and reading the log. */
interface Dialect {
  q(name: string): string;
  ddl(table: string, key: KeyKind): string;
  applying(on: boolean): string;
  truthy(v: string | null | undefined): boolean;
  ourTriggers(t: TableName): string;
  /** Starts watching the log; returns a function reading the changes of `data` and `shadow` since. */
  watchLog(data: TableName, shadow: TableName): Promise<() => Promise<Change[]>>;
}

function dialect(engine: EngineName, db: Endpoint): Dialect {
  if (engine === 'postgres') {
    const q = (n: string) => `"${n.replaceAll('"', '""')}"`;
    return {
      q,
      ddl: (t, key) =>
        key === 'single'
          ? `CREATE TABLE ${q(t)} (id bigint PRIMARY KEY, v text)`
          : `CREATE TABLE ${q(t)} ("tenant id" integer NOT NULL, code varchar(20) COLLATE "C" NOT NULL, v text, PRIMARY KEY ("tenant id", code))`,
      applying: (on) => (on ? "SET tandem.applying = 'on'" : 'RESET tandem.applying'),
      truthy: (v) => v === 't' || v === 'true',
      ourTriggers: (t) => `SELECT tgname AS name FROM pg_trigger WHERE tgrelid = '${q(t.schema)}.${q(t.table).replaceAll("'", "''")}'::regclass AND NOT tgisinternal`,
      async watchLog(data, shadow) {
        const slot = `it_ver_${Math.floor(Math.random() * 1e9)}`;
        await db.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
        const [names] = await db.query('SELECT quote_ident($1) || $3 || quote_ident($2) AS d, quote_ident($1) || $3 || quote_ident($4) AS s', [data.schema, data.table, '.', shadow.table]);
        return async () => {
          try {
            const rows = await db.query('SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)', [slot]);
            return rows.flatMap((r): Change[] => {
              for (const [table, name] of [['data', names!.d], ['shadow', names!.s]] as const) {
                const prefix = `table ${name}: `;
                if (r.data!.startsWith(prefix)) return [{ table, op: r.data!.slice(prefix.length).split(':')[0]! }];
              }
              return [];
            });
          } finally {
            await db.query('SELECT pg_drop_replication_slot($1)', [slot]);
          }
        };
      },
    };
  }
  const q = (n: string) => `\`${n.replaceAll('`', '``')}\``;
  return {
    q,
    ddl: (t, key) =>
      key === 'single'
        ? `CREATE TABLE ${q(t)} (id bigint PRIMARY KEY, v text) ENGINE=InnoDB`
        : `CREATE TABLE ${q(t)} (\`tenant id\` int NOT NULL, code varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, v text, PRIMARY KEY (\`tenant id\`, code)) ENGINE=InnoDB`,
    applying: (on) => (on ? 'SET @tandem_applying = 1' : 'SET @tandem_applying = NULL'),
    truthy: (v) => v === '1',
    ourTriggers: (t) => `SELECT TRIGGER_NAME AS name, CREATED AS created FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = '${t.schema}' AND EVENT_OBJECT_TABLE = '${t.table.replaceAll("'", "''")}'`,
    async watchLog(data, shadow) {
      const [status] = await db.query('SHOW MASTER STATUS');
      return async () => {
        const events = await db.query(`SHOW BINLOG EVENTS IN '${status!.File}' FROM ${status!.Position}`);
        const ids = new Map<string, 'data' | 'shadow'>();
        const changes: Change[] = [];
        for (const e of events) {
          const map = /^table_id: (\d+) \((.*)\)$/s.exec(e.Info ?? '');
          if (e.Event_type === 'Table_map' && map) {
            if (map[2] === `${data.schema}.${data.table}`) ids.set(map[1]!, 'data');
            else if (map[2] === `${shadow.schema}.${shadow.table}`) ids.set(map[1]!, 'shadow');
            else ids.delete(map[1]!);
          }
          const rows = /^(Write|Update|Delete)_rows/.exec(e.Event_type ?? '');
          const table = ids.get(/^table_id: (\d+)/.exec(e.Info ?? '')?.[1] ?? '');
          if (rows && table) changes.push({ table, op: rows[1]!.toUpperCase().replace('WRITE', 'INSERT') });
        }
        return changes;
      };
    },
  };
}

const cases: Array<{ engine: EngineName; key: KeyKind }> = [
  { engine: 'postgres', key: 'single' },
  { engine: 'postgres', key: 'composite' },
  { engine: 'mysql', key: 'single' },
  { engine: 'mysql', key: 'composite' },
];

describe.each(cases)('row versioning triggers ($engine, $key key)', ({ engine, key }) => {
  const db = new Endpoint(engine, `it_ver_${engine.slice(0, 2)}_${key.slice(0, 2)}_${Math.floor(Math.random() * 1e9).toString(36)}`);
  const d = dialect(engine, db);
  const schema = engine === 'postgres' ? 'public' : db.database;
  const table: TableName = { schema, table: `Ver "q" ${key}` };
  const shadow = shadowTableName(table);
  const node = { name: 'n_a', engine, connection: { url: db.url } };
  const T = `${d.q(schema)}.${d.q(table.table)}`;
  const S = `${d.q(schema)}.${d.q(shadow.table)}`;
  const keyCols = key === 'single' ? ['id'] : ['tenant id', 'code'];
  const keyOf = (i: number) => (key === 'single' ? [String(i)] : [String((i % 2) + 1), `c-${i}`]);
  const lit = (v: string) => (/^\d+$/.test(v) ? v : `'${v}'`);
  const where = (i: number) => keyOf(i).map((v, n) => `${d.q(keyCols[n]!)} = ${lit(v)}`).join(' AND ');
  const anyOf = (is: number[]) => is.map((i) => `(${where(i)})`).join(' OR ');
  const insert = (is: number[], v = 'x') => db.query(`INSERT INTO ${T} (${keyCols.map(d.q).join(', ')}, v) VALUES ${is.map((i) => `(${keyOf(i).map(lit).join(', ')}, '${v}')`).join(', ')}`);
  const nowMicros = () => BigInt(Date.now()) * 1000n;
  const version = async (i: number) => {
    const [r] = await db.query(`SELECT tandem_ts, tandem_rank, tandem_node, tandem_deleted, tandem_prev_ts, tandem_prev_rank FROM ${S} WHERE ${where(i)}`);
    if (!r) return undefined;
    return { ts: BigInt(r.tandem_ts!), rank: Number(r.tandem_rank), node: r.tandem_node, deleted: d.truthy(r.tandem_deleted), prevTs: BigInt(r.tandem_prev_ts!), prevRank: Number(r.tandem_prev_rank) };
  };
  const expectRecent = (ts: bigint) => {
    expect(ts > nowMicros() - 5_000_000n && ts < nowMicros() + 5_000_000n, `ts ${ts} is within 5 s of now`).toBe(true);
  };

  beforeAll(async () => {
    await db.create([d.ddl(table.table, key)]);
    expect(await installVersioning(node, [table], 7)).toEqual([{ data: table, shadow, keyColumns: keyCols }]);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the shadow with the key columns, their types and collations', async () => {
    const sql =
      engine === 'postgres'
        ? `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, co.collname AS coll FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = '${S.replaceAll("'", "''")}'::regclass AND a.attnum > 0 ORDER BY a.attnum`
        : `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, COLLATION_NAME AS coll FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${schema}' AND TABLE_NAME = '${shadow.table.replaceAll("'", "''")}' ORDER BY ORDINAL_POSITION`;
    const columns = (await db.query(sql)).map((r: TextRow) => `${r.name} ${r.type}${r.coll && r.coll !== 'default' ? ` ${r.coll}` : ''}`);
    const keys = { postgres: { single: ['id bigint'], composite: ['tenant id integer', 'code character varying(20) C'] }, mysql: { single: ['id bigint(20)'], composite: ['tenant id int(11)', 'code varchar(20) utf8mb4_bin'] } };
    expect(columns.slice(0, keyCols.length)).toEqual(keys[engine][key]);
    expect(columns.slice(keyCols.length).map((c) => c.split(' ')[0])).toEqual(['tandem_ts', 'tandem_rank', 'tandem_node', 'tandem_deleted', 'tandem_prev_ts', 'tandem_prev_rank']);
  });

  it('stamps inserts, updates and deletes: ts near now, rank, node, deleted, the prev chain', async () => {
    await insert([1]);
    const v1 = (await version(1))!;
    expectRecent(v1.ts);
    expect(v1).toMatchObject({ rank: 7, node: 'n_a', deleted: false, prevTs: 0n, prevRank: 0 });
    await db.query(`UPDATE ${T} SET v = 'y' WHERE ${where(1)}`);
    const v2 = (await version(1))!;
    expect(v2.ts > v1.ts).toBe(true);
    expect(v2).toMatchObject({ rank: 7, node: 'n_a', deleted: false, prevTs: v1.ts, prevRank: 7 });
    await db.query(`DELETE FROM ${T} WHERE ${where(1)}`);
    const v3 = (await version(1))!;
    expect(v3.ts > v2.ts).toBe(true);
    expect(v3).toMatchObject({ deleted: true, prevTs: v2.ts, prevRank: 7 });
    await insert([1]);
    expect(await version(1)).toMatchObject({ deleted: false, prevTs: v3.ts, prevRank: 7 });
  });

  it('keeps the hybrid logical clock: a stored version ahead of the wall clock is followed by exactly +1 µs', async () => {
    await insert([2]);
    const ahead = nowMicros() + 10_000_000n;
    await db.query(`UPDATE ${S} SET tandem_ts = ${ahead}, tandem_rank = 3, tandem_node = 'n_far' WHERE ${where(2)}`);
    await db.query(`UPDATE ${T} SET v = 'later' WHERE ${where(2)}`);
    expect(await version(2)).toEqual({ ts: ahead + 1n, rank: 7, node: 'n_a', deleted: false, prevTs: ahead, prevRank: 3 });
  });

  it('leaves the shadow alone in an applier session', async () => {
    await db.query(d.applying(true));
    try {
      await insert([3, 4]);
      await db.query(`UPDATE ${T} SET v = 'z' WHERE ${anyOf([3, 4])}`);
      await db.query(`DELETE FROM ${T} WHERE ${where(4)}`);
      expect(await version(3)).toBeUndefined();
      expect(await version(4)).toBeUndefined();
    } finally {
      await db.query(d.applying(false));
    }
    await db.query(`UPDATE ${T} SET v = 'local' WHERE ${where(3)}`);
    expect(await version(3)).toMatchObject({ node: 'n_a', deleted: false, prevTs: 0n });
  });

  it('writes a tombstone for the old key and a version for the new one when an update changes the key', async () => {
    await insert([5]);
    const before = (await version(5))!;
    const moved = keyOf(6).map((v, n) => `${d.q(keyCols[n]!)} = ${lit(v)}`).join(', ');
    await db.query(`UPDATE ${T} SET ${moved} WHERE ${where(5)}`);
    expect(await version(5)).toMatchObject({ deleted: true, prevTs: before.ts, prevRank: 7 });
    expect(await version(6)).toMatchObject({ deleted: false, prevTs: 0n, node: 'n_a' });
  });

  it('versions every row of multi-row statements', async () => {
    const is = [10, 11, 12, 13, 14];
    await insert(is);
    const versions = async () => {
      const found = [];
      for (const i of is) found.push(await version(i));
      return found;
    };
    const inserted = await versions();
    expect(inserted.every((v) => v && !v.deleted && v.prevTs === 0n)).toBe(true);
    await db.query(`UPDATE ${T} SET v = 'all' WHERE ${anyOf(is)}`);
    const updated = await versions();
    updated.forEach((v, n) => expect(v!.prevTs).toBe(inserted[n]!.ts));
    await db.query(`DELETE FROM ${T} WHERE ${anyOf(is)}`);
    expect((await versions()).every((v) => v!.deleted)).toBe(true);
  });

  it('logs each shadow row change before its data row change, in single- and multi-row statements', async () => {
    const read = await d.watchLog(table, shadow);
    await db.query('BEGIN');
    await insert([20]);
    await insert([21, 22, 23]);
    await db.query(`UPDATE ${T} SET v = 'log' WHERE ${anyOf([21, 22, 23])}`);
    await db.query(`DELETE FROM ${T} WHERE ${anyOf([21, 22, 23])}`);
    await db.query(`UPDATE ${T} SET ${keyOf(25).map((v, n) => `${d.q(keyCols[n]!)} = ${lit(v)}`).join(', ')} WHERE ${where(20)}`);
    await db.query('COMMIT');
    const changes = await read();
    // 23 row changes; on MariaDB 23 rows events, so each holds exactly one row, alternating shadow, data.
    const pairs = (n: number, data: string, shadowOp: string): Change[] => Array.from({ length: n }, (): Change[] => [{ table: 'shadow', op: shadowOp }, { table: 'data', op: data }]).flat();
    expect(changes).toEqual([
      ...pairs(4, 'INSERT', 'INSERT'),
      ...pairs(3, 'UPDATE', 'UPDATE'),
      ...pairs(3, 'DELETE', 'UPDATE'),
      // A key change: the old key's tombstone, the new key's version, then the data row.
      ...[{ table: 'shadow', op: 'UPDATE' }, { table: 'shadow', op: 'INSERT' }, { table: 'data', op: 'UPDATE' }],
    ]);
  });

  it('stamps upserts that find the row twice, and inserts the database skips without any data change', async () => {
    await insert([40]);
    const first = (await version(40))!;
    const read = await d.watchLog(table, shadow);
    const row = `(${keyOf(40).map(lit).join(', ')}, 'again')`;
    const cols = `(${keyCols.map(d.q).join(', ')}, v)`;
    await db.query(engine === 'postgres' ? `INSERT INTO ${T} ${cols} VALUES ${row} ON CONFLICT DO NOTHING` : `INSERT IGNORE INTO ${T} ${cols} VALUES ${row}`);
    await db.query(
      engine === 'postgres'
        ? `INSERT INTO ${T} ${cols} VALUES ${row} ON CONFLICT (${keyCols.map(d.q).join(', ')}) DO UPDATE SET v = 'upserted'`
        : `INSERT INTO ${T} ${cols} VALUES ${row} ON DUPLICATE KEY UPDATE v = 'upserted'`,
    );
    const changes = await read();
    // INSERT … DO NOTHING / INSERT IGNORE: the BEFORE INSERT trigger stamps, then the row is skipped: a shadow
    // change without any data change. The upsert stamps in BEFORE INSERT and again in BEFORE UPDATE; MariaDB
    // logs those two consecutive shadow updates of one statement as ONE Update_rows event holding both rows.
    const shadowUpdates = engine === 'postgres' ? 3 : 2;
    expect(changes).toEqual([...Array.from({ length: shadowUpdates }, () => ({ table: 'shadow', op: 'UPDATE' })), { table: 'data', op: 'UPDATE' }]);
    // MySQL's clock is the statement's start time for every trigger call: the second stamp is exactly +1 µs.
    if (engine === 'mysql') expect((await version(40))!.prevTs).toBe((await version(40))!.ts - 1n);
    expect(await version(40)).toMatchObject({ deleted: false, node: 'n_a' });
    expect((await version(40))!.ts > first.ts).toBe(true);
  });

  it('installs again without duplicating triggers or touching data, and restamps with a new node and rank', async () => {
    const triggersBefore = await db.query(d.ourTriggers(table));
    const rows = await db.query(`SELECT COUNT(*) AS n FROM ${T}`);
    const shadows = await db.query(`SELECT COUNT(*) AS n FROM ${S}`);
    expect(await installVersioning(node, [table], 7)).toEqual([{ data: table, shadow, keyColumns: keyCols }]);
    expect(await db.query(d.ourTriggers(table))).toEqual(triggersBefore);
    expect(triggersBefore).toHaveLength(engine === 'postgres' ? 1 : 3);
    expect(await db.query(`SELECT COUNT(*) AS n FROM ${T}`)).toEqual(rows);
    expect(await db.query(`SELECT COUNT(*) AS n FROM ${S}`)).toEqual(shadows);
    await installVersioning({ ...node, name: 'n_b' }, [table], 9);
    expect(await db.query(d.ourTriggers(table))).toHaveLength(triggersBefore.length);
    await db.query(`UPDATE ${T} SET v = 'b' WHERE ${where(3)}`);
    expect(await version(3)).toMatchObject({ node: 'n_b', rank: 9, prevRank: 7 });
    await installVersioning(node, [table], 7);
  });

  it('moves to a renamed table: the next install leaves only the new name\'s triggers, stamping the new shadow', async () => {
    const [a, b] = [{ schema, table: 'renamed_a' }, { schema, table: 'renamed_b' }];
    await db.query(d.ddl(a.table, key));
    await installVersioning(node, [a], 7);
    await db.query(engine === 'postgres' ? 'ALTER TABLE renamed_a RENAME TO renamed_b' : 'RENAME TABLE renamed_a TO renamed_b');
    await installVersioning(node, [b], 7);
    expect(await db.query(d.ourTriggers(b))).toHaveLength(engine === 'postgres' ? 1 : 3);
    await db.query(`INSERT INTO renamed_b (${keyCols.map(d.q).join(', ')}, v) VALUES (${keyOf(1).map(lit).join(', ')}, 'r')`);
    expect(await db.query(`SELECT COUNT(*) AS n FROM ${d.q(shadowTableName(b).table)}`)).toEqual([{ n: '1' }]);
    expect(await db.query(`SELECT COUNT(*) AS n FROM ${d.q(shadowTableName(a).table)}`)).toEqual([{ n: '0' }]);
  });

  it('refuses tables without a primary key, key columns named like version columns, and a shadow whose key differs', async () => {
    const refusal = (t: string) => installVersioning(node, [{ schema, table: t }], 7).then(() => undefined, (e: unknown) => e);
    await db.query(engine === 'postgres' ? 'CREATE TABLE nokey (a integer, b text)' : 'CREATE TABLE nokey (a int, b text)');
    const nokey = await refusal('nokey');
    expect(isTandemError(nokey, 'TANDEM_APPLY_TARGET_MISMATCH') && /has no primary key/.test(nokey.message)).toBe(true);
    await db.query('CREATE TABLE clash (tandem_ts bigint PRIMARY KEY, b text)');
    expect(String(await refusal('clash'))).toMatch(/primary-key column named tandem_ts.*rename the column/);
    await db.query('CREATE TABLE rekeyed (a bigint PRIMARY KEY, b text)');
    await db.query(`CREATE TABLE ${d.q(shadowTableName({ schema, table: 'rekeyed' }).table)} (a integer PRIMARY KEY, tandem_ts bigint)`);
    expect(String(await refusal('rekeyed'))).toMatch(/has the key .* but .* drop the shadow table/);
  });

  it('purges only tombstones older than the cutoff, in chunks', async () => {
    const old = [30, 31, 32, 33, 34];
    await insert([...old, 35, 36]);
    await db.query(`DELETE FROM ${T} WHERE ${anyOf([...old, 35])}`);
    await db.query(`UPDATE ${S} SET tandem_ts = 1000 WHERE ${anyOf([...old, 36])}`);
    const before = (await db.query(`SELECT COUNT(*) AS n FROM ${S}`))[0]!.n;
    const cutoff = nowMicros() - 3_600_000_000n;
    // Tombstones older than the cutoff elsewhere in this table (earlier tests) are none: all are recent.
    expect(await purgeTombstones(node, [shadow], cutoff, { chunkRows: 2 })).toBe(old.length);
    expect(Number((await db.query(`SELECT COUNT(*) AS n FROM ${S}`))[0]!.n)).toBe(Number(before) - old.length);
    expect(await version(30)).toBeUndefined();
    expect(await version(35)).toMatchObject({ deleted: true });
    expect(await version(36)).toMatchObject({ deleted: false, ts: 1000n });
    expect(await purgeTombstones(node, [shadow], cutoff)).toBe(0);
  });
});
