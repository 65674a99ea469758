import { describe, expect, it } from 'vitest';
import { BatchPlan } from '../../../src/applier/batch-plan.js';
import { opsFor } from '../../../src/applier/change-ops.js';
import { TableBinding } from '../../../src/applier/table-binding.js';
import type { TargetColumn, TargetTable } from '../../../src/applier/target-table.js';
import type { Param, TargetWriter } from '../../../src/applier/target-writer.js';
import { silentLogger } from '../../../src/logging.js';
import type { ChangeEvent, RowImage } from '../../../src/model/change-event.js';
import type { LogicalType } from '../../../src/model/logical-type.js';
import type { TableSchema } from '../../../src/model/table.js';
import { VersionArbiter, type ArbitratedRow, type ArbiterStats } from '../../../src/twoway/arbiter.js';
import type { ConflictLog, ConflictRecord } from '../../../src/twoway/conflict-log.js';
import type { ChangeVersion, StoredVersion } from '../../../src/twoway/row-version.js';
import { shadowTableName, VERSION_COLUMNS as V } from '../../../src/twoway/shadow-table.js';

const int: LogicalType = { kind: 'int32' };
const long: LogicalType = { kind: 'int64' };
const text: LogicalType = { kind: 'string' };
const bool: LogicalType = { kind: 'boolean' };

function source(table: string, columns: Array<[string, LogicalType]>, key: string[]): TableSchema {
  return { node: 'a', engine: 'postgres', database: 'db', schema: 'public', table, columns: columns.map(([name, type]) => ({ name, type, sourceType: type.kind, notNull: false })), key };
}

function target(name: { schema: string; table: string }, columns: Array<[string, LogicalType]>, primaryKey: string[]): TargetTable {
  return {
    name,
    columns: new Map(columns.map(([n, type]) => [n, { name: n, type, sqlType: type.kind, castType: type.kind, notNull: true, generated: false }])),
    primaryKey,
    uniqueKeys: [primaryKey],
    identityAlways: false,
  };
}

const route = (table: string) => ({ source: { schema: 'public', table }, target: { schema: 'dst', table }, columns: new Map<string, string>(), key: undefined });

const orders = source('orders', [['id', int], ['note', text], ['qty', int]], ['id']);
const notes = source('notes', [['id', int], ['body', text]], ['id']);
const ordersTarget = target({ schema: 'dst', table: 'orders' }, [['id', int], ['note', text], ['qty', int]], ['id']);
const notesTarget = target({ schema: 'dst', table: 'notes' }, [['id', int], ['body', text]], ['id']);
const ordersShadow = target(
  shadowTableName(ordersTarget.name),
  [['id', int], [V.ts, long], [V.rank, int], [V.node, text], [V.deleted, bool], [V.prevTs, long], [V.prevRank, int]],
  ['id'],
);

/** A TargetWriter recording what would be sent; lockVersions answers from `versions` (by key text). */
function recorder(calls: string[], versions = new Map<string, StoredVersion>()): TargetWriter {
  const show = (rows: readonly Param[][]) => rows.map((r) => r.join('|')).join(' ');
  return {
    engine: 'postgres',
    param: (_c: TargetColumn, v: unknown) => String(v),
    upsert: async (t: TargetTable, cols: readonly TargetColumn[], key: readonly string[], rows: readonly Param[][]) => {
      calls.push(`upsert ${t.name.table} (${cols.map((c) => c.name).join(',')}) by ${key.join(',')}: ${show(rows)}`);
    },
    delete: async (t: TargetTable, cols: readonly TargetColumn[], rows: readonly Param[][]) => {
      calls.push(`delete ${t.name.table} by ${cols.map((c) => c.name).join(',')}: ${show(rows)}`);
    },
    rekey: async (t: TargetTable, set: readonly TargetColumn[], values: readonly Param[], key: readonly TargetColumn[], old: readonly Param[]) => {
      calls.push(`rekey ${t.name.table} set ${set.map((c, i) => `${c.name}=${String(values[i])}`).join(',')} where ${key.map((c, i) => `${c.name}=${String(old[i])}`).join(',')}`);
    },
    truncate: async (tables: readonly TargetTable[]) => {
      calls.push(`truncate ${tables.map((t) => t.name.table).join(',')}`);
    },
    lockRows: async (t: TargetTable, _cols: readonly TargetColumn[], keys: readonly Param[][]) => {
      calls.push(`lock ${t.name.table}: ${show(keys)}`);
    },
    lockVersions: async (shadow: TargetTable, _cols: readonly TargetColumn[], keys: readonly Param[][]) => {
      calls.push(`lock ${shadow.name.table}: ${show(keys)}`);
      return keys.map((k) => versions.get(k.join('|')));
    },
  } as unknown as TargetWriter;
}

let seq = 0;
function event(table: TableSchema, op: ChangeEvent['op'], before: RowImage | null, after: RowImage | null, version?: ChangeVersion, unchangedColumns: string[] = []): ChangeEvent {
  return {
    op, table, before, after, unchangedColumns, origin: version?.node ?? 'a', version,
    source: { node: 'a', engine: 'postgres', database: 'db', schema: 'public', table: table.table, lsn: '0/1', txId: '1', commitTimestampMicros: BigInt(Date.now()) * 1000n, commitTimestampPrecision: 'micros', gtid: null, binlogFile: null, binlogPosition: null, serverId: null },
    transaction: { id: 't', sequence: seq++ },
  };
}

const v = (ts: bigint, prev: [bigint, number] = [0n, 0], rank = 1, node = 'a'): ChangeVersion => ({ ts, rank, node, prev: { ts: prev[0], rank: prev[1] } });

describe('batch plan on a two-way link (fake arbiter)', () => {
  /** An arbiter that versions `orders` only, records what it is asked, and drops the keys in `losers`. */
  function setup(losers: string[] = []) {
    const calls: string[] = [];
    const seen: Array<{ table: string; rows: Array<[string, ArbitratedRow]> }> = [];
    const writer = recorder(calls);
    const arbiter = {
      shadowOf: (b: TableBinding) => (b.target === ordersTarget ? ordersShadow : undefined),
      resolve: async (b: TableBinding, rows: Map<string, ArbitratedRow>) => {
        seen.push({ table: b.target.name.table, rows: [...rows].map(([k, r]) => [k, { ...r }]) });
        calls.push(`resolve ${b.target.name.table}: ${[...rows.values()].map((r) => `${r.key.join('|')}${r.row ? '' : ' (deleted)'}`).join(' ')}`);
        for (const [k, r] of [...rows]) if (losers.includes(r.key.join('|'))) rows.delete(k);
      },
    };
    const plan = new BatchPlan(writer, async () => undefined, arbiter as unknown as VersionArbiter);
    const o = new TableBinding(orders, route('orders'), ordersTarget, writer.param);
    const n = new TableBinding(notes, route('notes'), notesTarget, writer.param);
    const add = async (b: TableBinding, e: ChangeEvent) => {
      for (const op of opsFor(e, b)) await plan.add(op);
    };
    return { calls, seen, plan, add, o, n };
  }

  it('resolves every table\'s rows before any delete or upsert, and writes only the rows kept', async () => {
    const { calls, plan, add, o, n } = setup(['2']);
    await add(o, event(orders, 'c', null, { id: 1, note: 'a', qty: 1 }, v(10n)));
    await add(o, event(orders, 'u', null, { id: 2, note: 'b', qty: 2 }, v(11n)));
    await add(o, event(orders, 'd', { id: 3 }, null, v(12n)));
    await add(n, event(notes, 'c', null, { id: 7, body: 'x' }));
    await plan.write();
    expect(calls).toEqual([
      'resolve orders: 1 2 3 (deleted)',
      'resolve notes: 7',
      'delete orders by id: 3',
      'upsert orders (id,note,qty) by id: 1|a|1',
      'upsert notes (id,body) by id: 7|x',
    ]);
  });

  it('writes nothing of a table whose rows all lose', async () => {
    const { calls, plan, add, o } = setup(['1']);
    await add(o, event(orders, 'd', { id: 1 }, null, v(10n)));
    await plan.write();
    expect(calls).toEqual(['resolve orders: 1 (deleted)']);
    expect(plan.isEmpty).toBe(true);
  });

  it('hands the arbiter each row\'s final state with the first and the last change', async () => {
    const { seen, plan, add, o } = setup();
    await add(o, event(orders, 'c', null, { id: 1, note: 'a', qty: 1 }, v(10n)));
    await add(o, event(orders, 'u', null, { id: 1, note: 'a', qty: 2 }, v(11n, [10n, 1])));
    await add(o, event(orders, 'd', { id: 1 }, null, v(12n, [11n, 1])));
    await add(o, event(orders, 'u', null, { id: 2, note: 'b', qty: 1 }, v(20n, [15n, 2])));
    await plan.write();
    const rows = new Map(seen[0]!.rows.map(([, r]) => [r.key.join('|'), r]));
    expect(rows.get('1')!.row).toBeUndefined();
    expect(rows.get('1')!.first).toMatchObject({ op: 'c', version: { ts: 10n } });
    expect(rows.get('1')!.last).toMatchObject({ op: 'd', version: { ts: 12n, prev: { ts: 11n, rank: 1 } } });
    expect(rows.get('2')!.first).toBe(rows.get('2')!.last);
    expect(rows.get('2')!.first.version?.prev).toEqual({ ts: 15n, rank: 2 });
  });

  it('turns a key change of a versioned table into a delete and an upsert, each resolved', async () => {
    const { calls, plan, add, o } = setup();
    // Columns not sent (unchanged TOAST): without versions this would be an in-place rekey.
    await add(o, event(orders, 'u', { id: 1 }, { id: 5, qty: 2 }, v(10n), ['note']));
    await plan.write();
    expect(calls).toEqual(['resolve orders: 1 (deleted) 5', 'delete orders by id: 1', 'upsert orders (id,qty) by id: 5|2']);
  });

  it('the delete and the upsert of a versioned key change are decided separately', async () => {
    const { calls, plan, add, o } = setup(['5']);
    await add(o, event(orders, 'u', { id: 1 }, { id: 5, qty: 2 }, v(10n), ['note']));
    await plan.write();
    expect(calls).toEqual(['resolve orders: 1 (deleted) 5', 'delete orders by id: 1']);
  });

  it('keeps an in-place rekey for a table without versions', async () => {
    const { calls, plan, add, n } = setup();
    await add(n, event(notes, 'c', null, { id: 9, body: 'z' }));
    await add(n, event(notes, 'u', { id: 1 }, { id: 5 }, undefined, ['body']));
    await plan.write();
    expect(calls).toEqual(['resolve notes: 9', 'upsert notes (id,body) by id: 9|z', 'rekey notes set id=5 where id=1']);
  });

  it('truncates a versioned table together with its shadow, after writing what is pending', async () => {
    const { calls, plan, add, o, n } = setup();
    await add(o, event(orders, 'c', null, { id: 1, note: 'a', qty: 1 }, v(10n)));
    await add(o, event(orders, 't', null, null));
    await add(n, event(notes, 't', null, null));
    expect(calls).toEqual(['resolve orders: 1', 'upsert orders (id,note,qty) by id: 1|a|1', `truncate orders,${ordersShadow.name.table}`, 'truncate notes']);
  });
});

describe('batch plan with the version arbiter (fake target)', () => {
  function setup(versions: Map<string, StoredVersion> = new Map()) {
    const calls: string[] = [];
    const conflicts: ConflictRecord[] = [];
    const stats: ArbiterStats = { conflicts: 0, duplicatesSkipped: 0 };
    const writer = recorder(calls, versions);
    const arbiter = new VersionArbiter({
      writer,
      link: 'a->b',
      resolvedOn: 'b',
      shadows: new Map([[JSON.stringify(['dst', 'orders']), ordersShadow]]),
      rankOf: (node) => ({ a: 1, b: 2 })[node] ?? 0,
      conflicts: { add: (c: ConflictRecord) => conflicts.push(c) } as unknown as ConflictLog,
      stats,
      log: silentLogger(),
      tombstoneRetentionMs: 7 * 24 * 3600_000,
    });
    const plan = new BatchPlan(writer, async () => undefined, arbiter);
    const o = new TableBinding(orders, route('orders'), ordersTarget, writer.param);
    const n = new TableBinding(notes, route('notes'), notesTarget, writer.param);
    const add = async (b: TableBinding, e: ChangeEvent) => {
      for (const op of opsFor(e, b)) await plan.add(op);
    };
    return { calls, conflicts, stats, plan, add, o, n };
  }
  const shadow = ordersShadow.name.table;
  /** Rows first, then their shadow rows (the order a local writer's trigger takes them in). */
  const locks = (keys: string) => [`lock orders: ${keys}`, `lock ${shadow}: ${keys}`];
  const shadowCols = `(id,${Object.values(V).filter((c) => c !== V.deleted && c !== V.prevTs && c !== V.prevRank).join(',')},${V.deleted},${V.prevTs},${V.prevRank})`;

  it('writes an update of a row the target never saw as an upsert, with its version', async () => {
    const { calls, stats, plan, add, o } = setup();
    await add(o, event(orders, 'u', null, { id: 1, qty: 3 }, v(100n, [50n, 1]), ['note']));
    await plan.write();
    expect(calls).toEqual([...locks('1'), `upsert ${shadow} ${shadowCols} by id: 1|100|1|a|false|0|0`, 'upsert orders (id,qty) by id: 1|3']);
    expect(stats).toEqual({ conflicts: 0, duplicatesSkipped: 0 });
  });

  it('leaves a tombstone for a delete of a row the target never saw', async () => {
    const { calls, conflicts, plan, add, o } = setup();
    await add(o, event(orders, 'd', { id: 1 }, null, v(100n, [50n, 1])));
    await plan.write();
    expect(calls).toEqual([...locks('1'), `upsert ${shadow} ${shadowCols} by id: 1|100|1|a|true|0|0`, 'delete orders by id: 1']);
    expect(conflicts).toEqual([]);
  });

  it('applies a newer change that replaced the target\'s version cleanly, recording the replaced version as prev', async () => {
    const { calls, conflicts, plan, add, o } = setup(new Map([['1', { ts: 50n, rank: 2, node: 'b', deleted: false }]]));
    await add(o, event(orders, 'u', null, { id: 1, note: 'n', qty: 3 }, v(100n, [50n, 2])));
    await plan.write();
    expect(calls.slice(2)).toEqual([`upsert ${shadow} ${shadowCols} by id: 1|100|1|a|false|50|2`, 'upsert orders (id,note,qty) by id: 1|n|3']);
    expect(conflicts).toEqual([]);
  });

  it('keeps the target\'s newer row on a conflict and logs the conflict', async () => {
    const { calls, conflicts, stats, plan, add, o } = setup(new Map([['1', { ts: 200n, rank: 2, node: 'b', deleted: false }]]));
    await add(o, event(orders, 'u', null, { id: 1, note: 'n', qty: 3 }, v(100n, [50n, 1])));
    await plan.write();
    expect(calls).toEqual(locks('1'));
    expect(stats.conflicts).toBe(1);
    expect(conflicts).toEqual([
      expect.objectContaining({
        link: 'a->b',
        resolvedOn: 'b',
        table: 'dst.orders',
        kind: 'update_update',
        winner: 'target',
        incoming: { op: 'u', deleted: false, origin: 'a', version: { ts: '100', rank: 1, node: 'a' }, prev: { ts: '50', rank: 1 } },
        target: { deleted: false, version: { ts: '200', rank: 2, node: 'b' } },
      }),
    ]);
  });

  it('skips a change the target already holds, as a duplicate', async () => {
    const { calls, conflicts, stats, plan, add, o } = setup(new Map([['1', { ts: 100n, rank: 1, node: 'a', deleted: false }]]));
    await add(o, event(orders, 'u', null, { id: 1, note: 'n', qty: 3 }, v(100n, [50n, 1])));
    await plan.write();
    expect(calls).toEqual(locks('1'));
    expect(stats).toEqual({ conflicts: 0, duplicatesSkipped: 1 });
    expect(conflicts).toEqual([]);
  });

  it('gives a change without a version its commit time and its origin\'s rank', async () => {
    const { calls, plan, add, o } = setup();
    const e = event(orders, 'c', null, { id: 1, note: 'n', qty: 3 });
    await add(o, e);
    await plan.write();
    expect(calls[2]).toBe(`upsert ${shadow} ${shadowCols} by id: 1|${e.source.commitTimestampMicros}|1|a|false|0|0`);
  });

  it('does not touch versions of a table without a shadow', async () => {
    const { calls, plan, add, n } = setup();
    await add(n, event(notes, 'c', null, { id: 1, body: 'x' }));
    await plan.write();
    expect(calls).toEqual(['upsert notes (id,body) by id: 1|x']);
  });
});
