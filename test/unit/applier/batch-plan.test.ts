import { describe, expect, it } from 'vitest';
import { BatchPlan } from '../../../src/applier/batch-plan.js';
import { opsFor } from '../../../src/applier/change-ops.js';
import { TableBinding } from '../../../src/applier/table-binding.js';
import type { TargetColumn, TargetTable } from '../../../src/applier/target-table.js';
import type { Param, TargetWriter } from '../../../src/applier/target-writer.js';
import { isTandemError } from '../../../src/errors.js';
import type { ChangeEvent, RowImage } from '../../../src/model/change-event.js';
import type { LogicalType } from '../../../src/model/logical-type.js';
import type { TableSchema } from '../../../src/model/table.js';

const int: LogicalType = { kind: 'int32' };
const text: LogicalType = { kind: 'string' };

function source(table: string, columns: Array<[string, LogicalType]>, key: string[]): TableSchema {
  return { node: 'src', engine: 'postgres', database: 'db', schema: 'public', table, columns: columns.map(([name, type]) => ({ name, type, sourceType: type.kind, notNull: false })), key };
}

function target(table: string, columns: Array<[string, LogicalType, Partial<TargetColumn>?]>, primaryKey: string[], uniqueKeys: string[][] = [primaryKey]): TargetTable {
  return {
    name: { schema: 'dst', table },
    columns: new Map(columns.map(([name, type, extra]) => [name, { name, type, sqlType: type.kind, castType: type.kind, notNull: true, generated: false, ...extra }])),
    primaryKey,
    uniqueKeys,
    identityAlways: false,
  };
}

const route = (table: string, columns: Array<[string, string]> = [], key?: string[]) => ({
  source: { schema: 'public', table },
  target: { schema: 'dst', table },
  columns: new Map(columns),
  key,
});

/** A TargetWriter that records what would be sent. */
function recorder(): { writer: TargetWriter; calls: string[] } {
  const calls: string[] = [];
  const show = (rows: readonly Param[][]) => rows.map((r) => r.join('|')).join(' ');
  const writer = {
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
  } as unknown as TargetWriter;
  return { writer, calls };
}

let seq = 0;
function event(table: TableSchema, op: ChangeEvent['op'], before: RowImage | null, after: RowImage | null, unchangedColumns: string[] = []): ChangeEvent {
  return {
    op, table, before, after, unchangedColumns, origin: 'src',
    source: { node: 'src', engine: 'postgres', database: 'db', schema: 'public', table: table.table, lsn: '0/1', txId: '1', commitTimestampMicros: 0n, commitTimestampPrecision: 'micros', gtid: null, binlogFile: null, binlogPosition: null, serverId: null },
    transaction: { id: 't', sequence: seq++ },
  };
}

const orders = source('orders', [['id', int], ['note', text], ['qty', int]], ['id']);
const lines = source('lines', [['order_id', int], ['n', int]], ['order_id', 'n']);

function setup() {
  const { writer, calls } = recorder();
  const ordersBinding = new TableBinding(orders, route('orders'), target('orders', [['id', int], ['note', text], ['qty', int]], ['id']), writer.param);
  const linesBinding = new TableBinding(lines, route('lines'), target('lines', [['order_id', int], ['n', int]], ['order_id', 'n']), writer.param);
  const plan = new BatchPlan(writer);
  const add = async (b: TableBinding, e: ChangeEvent) => {
    for (const op of opsFor(e, b)) await plan.add(op);
  };
  return { calls, plan, add, ordersBinding, linesBinding };
}

describe('batch plan: the final state of each row, in few statements', () => {
  it('merges an insert and its updates, drops a row inserted and deleted, keeps delete-then-insert', async () => {
    const { calls, plan, add, ordersBinding: o } = setup();
    await add(o, event(orders, 'c', null, { id: 1, note: 'a', qty: 1 }));
    await add(o, event(orders, 'u', null, { id: 1, qty: 2 }, ['note']));
    await add(o, event(orders, 'c', null, { id: 2, note: 'b', qty: 1 }));
    await add(o, event(orders, 'd', { id: 2 }, null));
    await add(o, event(orders, 'd', { id: 3 }, null));
    await add(o, event(orders, 'c', null, { id: 3, note: 'c', qty: 3 }));
    await add(o, event(orders, 'u', null, { id: 4, qty: 9 }, ['note']));
    expect(plan.pendingOps).toBe(7);
    await plan.write();
    expect(calls).toEqual([
      'delete orders by id: 2 3',
      'upsert orders (id,note,qty) by id: 1|a|2 3|c|3',
      'upsert orders (id,qty) by id: 4|9',
    ]);
    expect(plan.isEmpty).toBe(true);
  });

  it('turns a key change into a delete of the old key and an upsert of the new one', async () => {
    const { calls, plan, add, ordersBinding: o } = setup();
    await add(o, event(orders, 'u', { id: 1 }, { id: 5, note: 'x', qty: 1 }));
    await plan.write();
    expect(calls).toEqual(['delete orders by id: 1', 'upsert orders (id,note,qty) by id: 5|x|1']);
  });

  it('moves a row with an UPDATE when its key changes and some columns were not sent', async () => {
    const { calls, plan, add, ordersBinding: o } = setup();
    await add(o, event(orders, 'c', null, { id: 7, note: 'n', qty: 1 }));
    await add(o, event(orders, 'u', { id: 1 }, { id: 5, qty: 2 }, ['note']));
    await plan.write();
    expect(calls).toEqual(['upsert orders (id,note,qty) by id: 7|n|1', 'rekey orders set id=5,qty=2 where id=1']);
  });

  it('writes deletes first (tables in reverse order), then upserts (in order); a truncate is a barrier', async () => {
    const { calls, plan, add, ordersBinding: o, linesBinding: l } = setup();
    await add(o, event(orders, 'c', null, { id: 1, note: 'a', qty: 1 }));
    await add(l, event(lines, 'c', null, { order_id: 1, n: 1 }));
    await add(l, event(lines, 'd', { order_id: 9, n: 1 }, null));
    await add(o, event(orders, 'd', { id: 9 }, null));
    await add(o, event(orders, 't', null, null));
    await add(o, event(orders, 'c', null, { id: 2, note: 'b', qty: 1 }));
    await plan.write();
    expect(calls).toEqual([
      'delete lines by order_id,n: 9|1',
      'delete orders by id: 9',
      'upsert orders (id,note,qty) by id: 1|a|1',
      'upsert lines (order_id,n) by order_id,n: 1|1',
      'truncate orders',
      'upsert orders (id,note,qty) by id: 2|b|1',
    ]);
  });
});

describe('table binding', () => {
  const { writer } = recorder();
  const mismatch = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (isTandemError(e, 'TANDEM_APPLY_TARGET_MISMATCH')) return e.message;
      throw e;
    }
    throw new Error('expected a mismatch');
  };

  it('maps renamed columns, skips generated target columns, applies by the configured unique key', () => {
    const t = target('orders', [['order_id', int], ['note', text], ['qty', int], ['total', int, { generated: true }]], [], [['order_id']]);
    const b = new TableBinding(source('orders', [['id', int], ['note', text], ['qty', int], ['total', int]], ['id']), route('orders', [['id', 'order_id']], ['order_id']), t, writer.param);
    expect(b.columns.map((c) => `${c.source}→${c.target.name}`)).toEqual(['id→order_id', 'note→note', 'qty→qty']);
    expect(b.keyColumns.map((c) => c.name)).toEqual(['order_id']);
  });

  it('names the table, the column and the fix when the target cannot take the source', () => {
    const src = source('orders', [['id', int], ['note', text]], ['id']);
    expect(mismatch(() => new TableBinding(src, route('orders'), target('orders', [['id', int]], ['id']), writer.param))).toMatch(
      /public\.orders → dst\.orders: target table has no column "note" for source column "note" \(string\); add it \(columns: id\) or map the column under links\[\]\.columns/,
    );
    expect(mismatch(() => new TableBinding(src, route('orders'), target('orders', [['id', int], ['note', { kind: 'date' }]], ['id']), writer.param))).toMatch(
      /column "note" \(string, string\) cannot be written to "note" \(date\): a string column cannot go into a date column/,
    );
    expect(mismatch(() => new TableBinding(src, route('orders'), target('orders', [['id', int], ['note', text]], []), writer.param))).toMatch(/has no primary key; add one, or name a unique key/);
    expect(mismatch(() => new TableBinding(src, route('orders', [], ['note']), target('orders', [['id', int], ['note', text]], ['id'], [['id']]), writer.param))).toMatch(/is not a unique index/);
    expect(mismatch(() => new TableBinding(src, route('orders', [], ['note']), target('orders', [['id', int], ['note', text, { notNull: false }]], ['id'], [['id'], ['note']]), writer.param))).toMatch(/allow NULL/);
    expect(mismatch(() => new TableBinding(src, route('orders'), target('orders', [['id', int], ['note', text]], ['note']), writer.param))).toMatch(/not part of the source's key \(id\)/);
  });

  it('names table, column, value and reason for a value the target cannot hold', () => {
    const { writer: w } = recorder();
    const t = target('orders', [['id', int], ['note', { kind: 'string', maxLength: 2 }]], ['id']);
    const b = new TableBinding(source('orders', [['id', int], ['note', text]], ['id']), route('orders'), t, w.param);
    expect(() => b.convert({ id: 1, note: 'abc' })).toThrow(/cannot write public\.orders\.note value "abc" into dst\.orders\.note \(string\): 3 characters do not fit/);
  });
});
