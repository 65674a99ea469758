import { describe, expect, it } from 'vitest';
import { ChangeAssembler, openTransaction } from '../../../src/postgres/change-assembler.js';
import { UNCHANGED_TOAST } from '../../../src/postgres/pgoutput/messages.js';
import type { RelationEntry } from '../../../src/postgres/relation-tables.js';
import { isTandemError, TandemError } from '../../../src/errors.js';

const entry: RelationEntry = {
  table: {
    node: 'shop',
    engine: 'postgres',
    database: 'db',
    schema: 'public',
    table: 'docs',
    columns: [
      { name: 'id', type: { kind: 'int64' }, sourceType: 'bigint', notNull: true },
      { name: 'title', type: { kind: 'string' }, sourceType: 'text', notNull: false },
      { name: 'body', type: { kind: 'string' }, sourceType: 'text', notNull: false },
    ],
    key: ['id'],
  },
  parsers: [(t) => BigInt(t), (t) => t, (t) => t],
  fullIdentity: false,
  identityColumns: new Set(['id']),
};

const tx = () => openTransaction({ tag: 'begin', finalLsn: 0x1_0000_0010n, commitTimeMicros: 1_700_000_000_000_001n, xid: 42 });

describe('ChangeAssembler', () => {
  const assembler = new ChangeAssembler('shop');

  it('builds an insert with the source and transaction blocks', () => {
    const t = tx();
    const event = assembler.insert(t, entry, ['1', 'a', null]);
    expect(event.after).toEqual({ id: 1n, title: 'a', body: null });
    expect(event.source).toMatchObject({ node: 'shop', engine: 'postgres', lsn: '1/10', txId: '42', commitTimestampMicros: 1_700_000_000_000_001n });
    expect(event.transaction).toEqual({ id: '42:1/10', sequence: 0 });
    expect(assembler.insert(t, entry, ['2', 'b', null]).transaction.sequence).toBe(1);
  });

  it('leaves an unchanged TOAST value out of `after` and names it, unless the old row has it', () => {
    const withoutOld = assembler.update(tx(), entry, null, null, ['1', 'new', UNCHANGED_TOAST]);
    expect(withoutOld.after).toEqual({ id: 1n, title: 'new' });
    expect(withoutOld.unchangedColumns).toEqual(['body']);
    const withOld = assembler.update(tx(), entry, 'old', ['1', 'old', 'long body'], ['1', 'new', UNCHANGED_TOAST]);
    expect(withOld.after).toEqual({ id: 1n, title: 'new', body: 'long body' });
    expect(withOld.unchangedColumns).toEqual([]);
  });

  it('keeps only identity columns of a key tuple (the rest are placeholders)', () => {
    const event = assembler.delete(tx(), entry, 'key', ['7', null, null]);
    expect(event.before).toEqual({ id: 7n });
  });

  it('refuses a tuple whose width does not match the relation', () => {
    let caught: unknown;
    try {
      assembler.insert(tx(), entry, ['1', 'a']);
    } catch (e) {
      caught = e;
    }
    expect(isTandemError(caught, 'TANDEM_PG_PROTOCOL')).toBe(true);
  });

  it('names table and column when a value cannot be parsed', () => {
    const failing = () => {
      throw new TandemError('TANDEM_VALUE_UNSUPPORTED', 'multi-dimensional array');
    };
    const bad: RelationEntry = { ...entry, parsers: [(t) => BigInt(t), failing, (t) => t] };
    expect(() => assembler.insert(tx(), bad, ['1', '{{1}}', 'b'])).toThrow('public.docs.title: multi-dimensional array');
  });
});
