import { describe, expect, it } from 'vitest';
import type { TableRoute } from '../../../src/applier/link-routes.js';
import type { TargetColumn, TargetTable } from '../../../src/applier/target-table.js';
import { isTandemError } from '../../../src/errors.js';
import type { LogicalType } from '../../../src/model/logical-type.js';
import { planTable } from '../../../src/verify/table-plan.js';

function table(schema: string, name: string, columns: Array<[string, LogicalType]>, primaryKey: string[]): TargetTable {
  const map = new Map<string, TargetColumn>(
    columns.map(([n, type]) => [n, { name: n, type, sqlType: type.kind, castType: type.kind, notNull: false, generated: false }]),
  );
  return { name: { schema, table: name }, columns: map, primaryKey, uniqueKeys: [primaryKey], identityAlways: false };
}

const route: TableRoute = { source: { schema: 'public', table: 't' }, target: { schema: 'db', table: 't' }, columns: new Map([['name', 'title']]), key: undefined };

describe('verify table plan', () => {
  it('puts the key first, applies the renames and reports columns missing on side B', () => {
    const a = table('public', 't', [['name', { kind: 'string' }], ['id', { kind: 'int64' }], ['flag', { kind: 'boolean' }], ['extra', { kind: 'string' }], ['data', { kind: 'bytes' }]], ['id']);
    const b = table('db', 't', [['id', { kind: 'int64' }], ['title', { kind: 'string' }], ['flag', { kind: 'int16' }], ['data', { kind: 'bytes' }]], ['id']);
    const plan = planTable(route, a, b);
    expect(plan.a.columns).toEqual(['id', 'name', 'flag', 'data']);
    expect(plan.b.columns).toEqual(['id', 'title', 'flag', 'data']);
    expect(plan.skipped).toEqual(['extra']);
    expect(plan.a.numericKey).toEqual([true]);
    expect(plan.b.bytes).toEqual([false, false, false, true]);
    expect(plan.a.normalisers[2]!('t')).toBe(plan.b.normalisers[2]!('1'));
  });

  it('refuses a missing table, a table without a key and a bytes key', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isTandemError(e) ? e.code : 'other';
      }
      return undefined;
    };
    const ok = table('db', 't', [['id', { kind: 'int32' }]], ['id']);
    expect(code(() => planTable(route, ok, undefined))).toBe('TANDEM_VERIFY_TABLE');
    expect(code(() => planTable(route, { ...ok, primaryKey: [], uniqueKeys: [] }, ok))).toBe('TANDEM_VERIFY_TABLE');
    const bin = table('db', 't', [['id', { kind: 'bytes' }]], ['id']);
    expect(code(() => planTable(route, bin, bin))).toBe('TANDEM_VERIFY_TABLE');
  });
});
