import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import { myPurgeSql, myShadowDdl, myTriggerBody, myTriggerName, myTriggerSql } from '../../../src/twoway/mysql-versioning.js';
import { pgPurgeIndexName, pgPurgeSql, pgShadowDdl, pgVersionFunctionName, pgVersionFunctionSql, pgVersionTriggerSql } from '../../../src/twoway/pg-versioning.js';
import { checkKeyColumns, checkVersioningNode } from '../../../src/twoway/shadow-info.js';
import { boundedName, shadowTableName } from '../../../src/twoway/shadow-table.js';

const node = { name: 'shop', rank: 3 };
const bytes = (s: string) => Buffer.byteLength(s);
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('versioning object names', () => {
  it('keeps short names and bounds long ones to 63 bytes with a hash of the whole name', () => {
    expect(boundedName('tandem_vi_', 'orders')).toBe('tandem_vi_orders');
    const long = 'x'.repeat(70);
    const a = boundedName('tandem_vi_', long);
    expect(bytes(a)).toBeLessThanOrEqual(63);
    expect(a).toMatch(/^tandem_vi_x+_[0-9a-f]{8}$/);
    expect(boundedName('tandem_vi_', `${long}y`)).not.toBe(a);
    // Multi-byte names are cut between characters, never inside one.
    const wide = boundedName('tandem_v_fn_', 'ü😀'.repeat(20));
    expect(bytes(wide)).toBeLessThanOrEqual(63);
    expect(wide).not.toContain('\uFFFD');
    expect(Array.from(wide.slice(12, -9)).every((c) => c === 'ü' || c === '😀')).toBe(true);
  });

  it('names every object of a table within 63 bytes, distinct per table', () => {
    const t = { schema: 's', table: 'a_very_long_table_name_that_goes_on_and_on_and_on_for_a_while_yes' };
    for (const name of [pgVersionFunctionName(t).table, pgPurgeIndexName(t), myTriggerName(t, 'INSERT'), myTriggerName(t, 'UPDATE'), myTriggerName(t, 'DELETE'), shadowTableName(t).table]) {
      expect(bytes(name)).toBeLessThanOrEqual(63);
    }
    expect(myTriggerName({ schema: 's', table: 'orders' }, 'UPDATE')).toBe('tandem_vu_orders');
    expect(myTriggerName({ schema: 's', table: 'orders' }, 'DELETE')).toBe('tandem_vd_orders');
    expect(pgVersionFunctionName({ schema: 's', table: 'orders' })).toEqual({ schema: 's', table: 'tandem_v_fn_orders' });
  });
});

describe('PostgreSQL versioning SQL', () => {
  const t = { schema: 'My "S"', table: 'Order Items' };

  it('creates the shadow with the key columns as declared, the version columns, the key and the purge index', () => {
    const [table, index] = pgShadowDdl(t, [
      { name: 'tenant id', type: 'integer', collation: null },
      { name: 'co"de', type: 'character varying(20)', collation: 'pg_catalog."C"' },
    ]);
    expect(table).toBe(
      'CREATE TABLE IF NOT EXISTS "My ""S"""."tandem_v_Order Items" ("tenant id" integer NOT NULL, "co""de" character varying(20) COLLATE pg_catalog."C" NOT NULL, ' +
        'tandem_ts bigint NOT NULL, tandem_rank integer NOT NULL, tandem_node varchar(64) NOT NULL, tandem_deleted boolean NOT NULL, ' +
        'tandem_prev_ts bigint NOT NULL, tandem_prev_rank integer NOT NULL, PRIMARY KEY ("tenant id", "co""de"))',
    );
    expect(index).toBe('CREATE INDEX IF NOT EXISTS "tandem_vp_Order Items" ON "My ""S"""."tandem_v_Order Items" (tandem_deleted, tandem_ts)');
  });

  it('stamps NEW or OLD with the hybrid clock, skips applier sessions, and returns the right row', () => {
    const sql = pgVersionFunctionSql(t, ['tenant id', 'id'], node);
    expect(sql).toMatch(/^CREATE OR REPLACE FUNCTION "My ""S"""."tandem_v_fn_Order Items"\(\) RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS \$tandem\$/);
    expect(sql).toContain("IF current_setting('tandem.applying', true) = 'on' THEN\n    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\n    RETURN NEW;");
    expect(sql).toContain(
      'INSERT INTO "My ""S"""."tandem_v_Order Items" AS tandem_s ("tenant id", "id", tandem_ts, tandem_rank, tandem_node, tandem_deleted, tandem_prev_ts, tandem_prev_rank) ' +
        "VALUES (OLD.\"tenant id\", OLD.\"id\", (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, 3, 'shop', true, 0, 0) " +
        'ON CONFLICT ("tenant id", "id") DO UPDATE SET "tenant id" = EXCLUDED."tenant id", "id" = EXCLUDED."id", ' +
        'tandem_ts = GREATEST(EXCLUDED.tandem_ts, tandem_s.tandem_ts + 1), tandem_rank = EXCLUDED.tandem_rank, tandem_node = EXCLUDED.tandem_node, ' +
        'tandem_deleted = EXCLUDED.tandem_deleted, tandem_prev_ts = tandem_s.tandem_ts, tandem_prev_rank = tandem_s.tandem_rank;\n    RETURN OLD;',
    );
    expect(sql).toContain(`IF TG_OP = 'UPDATE' AND ROW(OLD."tenant id", OLD."id") IS DISTINCT FROM ROW(NEW."tenant id", NEW."id") THEN`);
    expect(sql).toMatch(/VALUES \(NEW\."tenant id", NEW\."id", .*, 3, 'shop', false, 0, 0\).*\n {2}RETURN NEW;\nEND\n\$tandem\$$/s);
  });

  it('picks a dollar-quote tag the body does not contain', () => {
    const sql = pgVersionFunctionSql({ schema: 'public', table: 'odd$tandem$name' }, ['id'], node);
    expect(sql).toMatch(/AS \$tandem1\$\n/);
    expect(sql.endsWith('\n$tandem1$')).toBe(true);
  });

  it('replaces the trigger in place and purges tombstones by ctid in bounded chunks', () => {
    expect(pgVersionTriggerSql(t)).toBe(
      'CREATE OR REPLACE TRIGGER "tandem_version" BEFORE INSERT OR UPDATE OR DELETE ON "My ""S"""."Order Items" FOR EACH ROW EXECUTE FUNCTION "My ""S"""."tandem_v_fn_Order Items"()',
    );
    expect(pgPurgeSql(shadowTableName(t))).toBe(
      'DELETE FROM "My ""S"""."tandem_v_Order Items" WHERE ctid = ANY (ARRAY(SELECT ctid FROM "My ""S"""."tandem_v_Order Items" ' +
        'WHERE tandem_deleted AND tandem_ts < $1::bigint LIMIT $2::integer)) AND tandem_deleted AND tandem_ts < $1::bigint',
    );
  });
});

describe('MySQL versioning SQL', () => {
  const t = { schema: 'shop`db', table: 'Order Items' };

  it('creates the shadow with COLUMN_TYPE, character set and collation, key prefixes, the purge index, InnoDB', () => {
    expect(
      myShadowDdl(t, [
        { name: 'tenant id', type: 'int(10) unsigned', charset: null, collation: null, subPart: null },
        { name: 'no`te', type: 'text', charset: 'utf8mb4', collation: 'utf8mb4_bin', subPart: 12 },
      ]),
    ).toBe(
      'CREATE TABLE IF NOT EXISTS `shop``db`.`tandem_v_Order Items` (`tenant id` int(10) unsigned NOT NULL, `no``te` text CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, ' +
        'tandem_ts BIGINT NOT NULL, tandem_rank INT NOT NULL, tandem_node VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, tandem_deleted BOOLEAN NOT NULL, ' +
        'tandem_prev_ts BIGINT NOT NULL, tandem_prev_rank INT NOT NULL, PRIMARY KEY (`tenant id`, `no``te`(12)), KEY tandem_purge (tandem_deleted, tandem_ts)) ENGINE=InnoDB',
    );
  });

  it('assigns prev before ts in ON DUPLICATE KEY UPDATE, and ts from the untouched stored ts', () => {
    const body = myTriggerBody(t, ['id'], 'INSERT', node);
    const update = body.slice(body.indexOf('ON DUPLICATE KEY UPDATE'));
    expect(update).toBe(
      'ON DUPLICATE KEY UPDATE `id` = NEW.`id`, tandem_prev_ts = tandem_ts, tandem_prev_rank = tandem_rank, ' +
        "tandem_ts = GREATEST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)), tandem_ts + 1), " +
        "tandem_rank = 3, tandem_node = 'shop', tandem_deleted = FALSE;\n  END IF;\nEND",
    );
    expect(body.startsWith('BEGIN\n  IF NOT (@tandem_applying <=> 1) THEN\n    INSERT INTO `shop``db`.`tandem_v_Order Items` (`id`, tandem_ts,')).toBe(true);
  });

  it('tombstones OLD on delete and on a key change, then versions NEW', () => {
    const del = myTriggerBody(t, ['a', 'b'], 'DELETE', node);
    expect(del).toContain("VALUES (OLD.`a`, OLD.`b`, TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)), 3, 'shop', TRUE, 0, 0)");
    expect(del).not.toContain('NEW.');
    const upd = myTriggerBody(t, ['a', 'b'], 'UPDATE', node);
    expect(upd).toContain('IF NOT (OLD.`a` <=> NEW.`a` AND OLD.`b` <=> NEW.`b`) THEN\n      INSERT INTO');
    expect(upd.indexOf('TRUE, 0, 0)')).toBeLessThan(upd.indexOf('FALSE, 0, 0)'));
    expect(myTriggerSql(t, 'UPDATE', 'BEGIN END', true)).toBe('CREATE OR REPLACE TRIGGER `shop``db`.`tandem_vu_Order Items` BEFORE UPDATE ON `shop``db`.`Order Items` FOR EACH ROW BEGIN END');
    expect(myTriggerSql(t, 'DELETE', 'BEGIN END', false)).toBe('CREATE TRIGGER `shop``db`.`tandem_vd_Order Items` BEFORE DELETE ON `shop``db`.`Order Items` FOR EACH ROW BEGIN END');
  });

  it('purges the oldest tombstones first through the purge index, a bounded chunk per statement', () => {
    expect(myPurgeSql(shadowTableName(t), 500)).toBe(
      'DELETE FROM `shop``db`.`tandem_v_Order Items` WHERE tandem_deleted = TRUE AND tandem_ts < CAST(? AS SIGNED) ORDER BY tandem_deleted, tandem_ts LIMIT 500',
    );
    expect(() => myPurgeSql(shadowTableName(t), 0)).toThrow(RangeError);
  });
});

describe('versioning preconditions', () => {
  const t = { schema: 'public', table: 'orders' };

  it('needs a primary key without version-column names', () => {
    const none = thrown(() => checkKeyColumns(t, []));
    expect(isTandemError(none, 'TANDEM_APPLY_TARGET_MISMATCH') && /no primary key; two-way tables need one/.test(none.message)).toBe(true);
    expect(String(thrown(() => checkKeyColumns(t, ['id', 'tandem_rank'])))).toMatch(/primary-key column named tandem_rank.*rename the column/);
    expect(() => checkKeyColumns(t, ['id', 'tandem_x'])).not.toThrow();
  });

  it('only stamps node names and ranks that are safe as literals', () => {
    expect(() => checkVersioningNode({ name: "o'brien", rank: 1 })).toThrow(/node name/);
    expect(() => checkVersioningNode({ name: 'x'.repeat(65), rank: 1 })).toThrow(/node name/);
    expect(() => checkVersioningNode({ name: 'shop', rank: 0 })).toThrow(/rank 0/);
    expect(() => checkVersioningNode({ name: 'shop', rank: 1.5 })).toThrow(/rank/);
    expect(() => pgVersionFunctionSql(t, ['id'], { name: 'a;b', rank: 1 })).toThrow(/node name/);
    expect(() => checkVersioningNode(node)).not.toThrow();
  });
});
