import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { silentLogger } from '../../../src/logging.js';
import type { ChangeEvent, Operation, RowImage } from '../../../src/model/change-event.js';
import type { TableSchema } from '../../../src/model/table.js';
import type { SourcePosition } from '../../../src/reader/source-position.js';
import { TwoWayFilter, type EventSink, type TwoWayReading } from '../../../src/reader/two-way-filter.js';
import { shadowTableName, VERSION_COLUMNS as V } from '../../../src/twoway/shadow-table.js';

class Pos implements SourcePosition {
  readonly engine = 'postgres' as const;
  constructor(readonly n: number) {}
  toJson() {
    return { n: this.n };
  }
}

/** Records every call the filter passes on. */
class FakeSink implements EventSink {
  calls: string[] = [];
  published: ChangeEvent[] = [];
  async beginSourceTransaction() {
    this.calls.push('begin');
  }
  async publish(event: ChangeEvent) {
    this.calls.push(`publish ${event.table.table} ${event.op}`);
    this.published.push(event);
  }
  async endSourceTransaction(position: SourcePosition) {
    this.calls.push(`end ${(position as Pos).n}`);
  }
}

function table(schema: string, name: string, columns: string[], key: string[]): TableSchema {
  return { node: 'b', engine: 'postgres', database: 'db', schema, table: name, columns: columns.map((c) => ({ name: c, type: { kind: 'int64' }, sourceType: 'bigint', notNull: false })), key };
}

const orders = table('public', 'orders', ['id', 'qty'], ['id']);
const ordersShadow = (() => {
  const s = shadowTableName({ schema: 'public', table: 'orders' });
  return table(s.schema, s.table, ['id', ...Object.values(V)], ['id']);
})();
const lines = table('public', 'lines', ['order_id', 'n', 'qty'], ['order_id', 'n']);
const linesShadow = (() => {
  const s = shadowTableName({ schema: 'public', table: 'lines' });
  return table(s.schema, s.table, ['order_id', 'n', ...Object.values(V)], ['order_id', 'n']);
})();
const notes = table('public', 'notes', ['id', 'text'], ['id']); // not versioned
const progress = table('public', 'tandem_progress', ['consumer_id', 'origin', 'marks'], ['consumer_id']);

let seq = 0;
function event(t: TableSchema, op: Operation, before: RowImage | null, after: RowImage | null, origin = 'b'): ChangeEvent {
  return {
    op,
    table: t,
    before,
    after,
    unchangedColumns: [],
    source: { node: 'b', engine: 'postgres', database: 'db', schema: t.schema, table: t.table, lsn: '0/1', txId: '1', commitTimestampMicros: 1_000n, commitTimestampPrecision: 'micros', gtid: null, binlogFile: null, binlogPosition: null, serverId: null },
    origin,
    transaction: { id: '1', sequence: seq++ },
  };
}

function shadowRow(key: RowImage, ts: bigint, rank: number, node: string, prev: [bigint, number] = [0n, 0], deleted = false): RowImage {
  return { ...key, [V.ts]: ts, [V.rank]: rank, [V.node]: node, [V.deleted]: deleted, [V.prevTs]: prev[0], [V.prevRank]: prev[1] };
}

function setup(relays: (origin: string) => boolean = () => false, progressTables = [{ schema: 'public', table: 'tandem_progress' }], log = silentLogger()) {
  const sink = new FakeSink();
  const reading: TwoWayReading = {
    shadows: [
      { data: { schema: 'public', table: 'orders' }, shadow: { schema: ordersShadow.schema, table: ordersShadow.table }, keyColumns: ['id'] },
      { data: { schema: 'public', table: 'lines' }, shadow: { schema: linesShadow.schema, table: linesShadow.table }, keyColumns: ['order_id', 'n'] },
    ],
    progressTables,
    relays,
  };
  const filter = new TwoWayFilter(sink, reading, log);
  return { sink, filter };
}

async function transaction(filter: TwoWayFilter, events: ChangeEvent[], position: number, applied?: string) {
  await filter.beginSourceTransaction();
  if (applied !== undefined) filter.markApplied(applied);
  for (const e of events) await filter.publish(e);
  await filter.endSourceTransaction(new Pos(position));
}

describe('TwoWayFilter: versions from shadow rows', () => {
  it('attaches the shadow row\'s version to its data row\'s change and drops the shadow change', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 2_000n, 2, 'b', [1_500n, 1])), event(orders, 'u', null, { id: 1, qty: 5 })], 1);
    expect(sink.calls).toEqual(['begin', 'publish orders u', 'end 1']);
    expect(sink.published[0]!.version).toEqual({ ts: 2_000n, rank: 2, node: 'b', prev: { ts: 1_500n, rank: 1 } });
    expect(filter.unversioned).toBe(0);
  });

  it('matches by key: versions of several rows and tables go to their own rows, a delete by its before image', async () => {
    const { sink, filter } = setup();
    await transaction(
      filter,
      [
        event(ordersShadow, 'c', null, shadowRow({ id: 1 }, 10n, 2, 'b')),
        event(ordersShadow, 'u', null, shadowRow({ id: 2 }, 20n, 2, 'b', [5n, 1], true)),
        event(linesShadow, 'c', null, shadowRow({ order_id: 1, n: 2 }, 30n, 2, 'b')),
        event(lines, 'c', null, { order_id: 1, n: 2, qty: 1 }),
        event(orders, 'd', { id: 2 }, null),
        event(orders, 'c', null, { id: 1, qty: 1 }),
      ],
      1,
    );
    expect(sink.calls).toEqual(['begin', 'publish lines c', 'publish orders d', 'publish orders c', 'end 1']);
    expect(sink.published.map((e) => e.version?.ts)).toEqual([30n, 20n, 10n]);
    expect(sink.published[1]!.version).toEqual({ ts: 20n, rank: 2, node: 'b', prev: { ts: 5n, rank: 1 } });
    expect(filter.unversioned).toBe(0);
  });

  it('takes numbers as well as bigints from the shadow row (MySQL decodes small BIGINTs as numbers)', async () => {
    const { sink, filter } = setup();
    const row = { id: 1, [V.ts]: 123, [V.rank]: 2, [V.node]: 'b', [V.deleted]: 0, [V.prevTs]: 0, [V.prevRank]: 0 };
    await transaction(filter, [event(ordersShadow, 'c', null, row), event(orders, 'c', null, { id: 1, qty: 1 })], 1);
    expect(sink.published[0]!.version).toEqual({ ts: 123n, rank: 2, node: 'b', prev: { ts: 0n, rank: 0 } });
  });

  it('keeps the latest of two shadow changes of the same key', async () => {
    const { sink, filter } = setup();
    await transaction(
      filter,
      [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 2, 'b')), event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 11n, 2, 'b', [10n, 2])), event(orders, 'u', null, { id: 1, qty: 2 })],
      1,
    );
    expect(sink.published).toHaveLength(1);
    expect(sink.published[0]!.version).toEqual({ ts: 11n, rank: 2, node: 'b', prev: { ts: 10n, rank: 2 } });
  });

  it('gives each version to one change only: each shadow change pairs with the data change after it', async () => {
    const { sink, filter } = setup();
    await transaction(
      filter,
      [
        event(ordersShadow, 'c', null, shadowRow({ id: 1 }, 10n, 2, 'b')),
        event(orders, 'c', null, { id: 1, qty: 1 }),
        event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 11n, 2, 'b', [10n, 2])),
        event(orders, 'u', null, { id: 1, qty: 2 }),
      ],
      1,
    );
    expect(sink.published.map((e) => e.version?.ts)).toEqual([10n, 11n]);
    expect(filter.unversioned).toBe(0);
  });

  it('publishes a change of a versioned table without a shadow change unversioned, and counts it', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(orders, 'u', null, { id: 1, qty: 2 }), event(orders, 'u', null, { id: 2, qty: 2 })], 1);
    expect(sink.calls).toEqual(['begin', 'publish orders u', 'publish orders u', 'end 1']);
    expect(sink.published.every((e) => e.version === undefined)).toBe(true);
    expect(filter.unversioned).toBe(2);
  });

  it('does not count changes of tables that are not versioned, nor truncates', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(notes, 'c', null, { id: 1, text: 5 }), event(orders, 't', null, null)], 1);
    expect(sink.calls).toEqual(['begin', 'publish notes c', 'publish orders t', 'end 1']);
    expect(sink.published.every((e) => e.version === undefined)).toBe(true);
    expect(filter.unversioned).toBe(0);
  });

  it('does not publish a shadow delete (a tombstone purge)', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(ordersShadow, 'd', shadowRow({ id: 1 }, 10n, 2, 'b', [0n, 0], true), null)], 1);
    expect(sink.calls).toEqual(['begin', 'end 1']);
  });

  it('does not carry a version into the next transaction', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 2, 'b'))], 1);
    await transaction(filter, [event(orders, 'u', null, { id: 1, qty: 3 })], 2);
    expect(sink.calls).toEqual(['begin', 'end 1', 'begin', 'publish orders u', 'end 2']);
    expect(sink.published[0]!.version).toBeUndefined();
    expect(filter.unversioned).toBe(1);
  });

  it('drops pending versions at begin too (a transaction that never ended)', async () => {
    const { sink, filter } = setup();
    await filter.beginSourceTransaction();
    await filter.publish(event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 2, 'b')));
    // no end: the reader restarted the transaction
    await transaction(filter, [event(orders, 'u', null, { id: 1, qty: 3 })], 2);
    expect(sink.published[0]!.version).toBeUndefined();
  });
});

describe('TwoWayFilter: versions stamped without a logged change', () => {
  it('counts a local version whose row change was not logged (a no-op UPDATE on MySQL), and publishes nothing for it', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 2, 'b', [5n, 1])), event(ordersShadow, 'u', null, shadowRow({ id: 2 }, 11n, 2, 'b')), event(orders, 'u', { id: 2, qty: 1 }, { id: 2, qty: 2 })], 1);
    expect(sink.calls).toEqual(['begin', 'publish orders u', 'end 1']);
    expect(sink.published[0]!.version?.ts).toBe(11n);
    expect(filter.versionsWithoutChange).toBe(1);
    expect(filter.unversioned).toBe(0);
  });

  it('warns once per table, naming the table and the key, and counts every such version', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const { filter } = setup(undefined, undefined, pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }));
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 7 }, 10n, 2, 'b'))], 1);
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 8 }, 11n, 2, 'b'))], 2);
    expect(filter.versionsWithoutChange).toBe(2);
    expect(filter.stats).toEqual({ appliedSkipped: 0, unversioned: 0, versionsWithoutChange: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ table: 'public.orders', key: [7], version: { ts: '10', rank: 2 } });
    expect(String(lines[0]!.msg)).toMatch(/Known gap/);
  });

  it('takes the version of an update whose before image has the same key', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 2, 'b', [5n, 1])), event(orders, 'u', { id: 1, qty: 1 }, { id: 1, qty: 2 })], 1);
    expect(sink.published[0]!.version?.ts).toBe(10n);
    expect(filter.versionsWithoutChange).toBe(0);
    expect(filter.unversioned).toBe(0);
  });

  it('counts the old key\'s tombstone of a key change as part of that change', async () => {
    const { sink, filter } = setup();
    await transaction(
      filter,
      [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 2, 'b', [5n, 1], true)), event(ordersShadow, 'c', null, shadowRow({ id: 2 }, 11n, 2, 'b')), event(orders, 'u', { id: 1, qty: 1 }, { id: 2, qty: 1 })],
      1,
    );
    expect(sink.published[0]!.version?.ts).toBe(11n);
    expect(filter.versionsWithoutChange).toBe(0);
  });

  it('does not count the shadow rows of an applier\'s transaction', async () => {
    const { filter } = setup();
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 1, 'a'))], 1, 'a');
    await transaction(filter, [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 1, 'a')), event(orders, 'u', null, { id: 1, qty: 3 })], 2, 'a');
    expect(filter.versionsWithoutChange).toBe(0);
  });
});

describe('TwoWayFilter: transactions an applier wrote', () => {
  const appliedTx = () => [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 1, 'a', [5n, 1])), event(orders, 'u', null, { id: 1, qty: 9 }), event(notes, 'c', null, { id: 1, text: 1 })];

  it('leaves out an applied transaction\'s changes when no node needs them, but still begins and ends it', async () => {
    const asked: string[] = [];
    const { sink, filter } = setup((origin) => {
      asked.push(origin);
      return false;
    });
    await transaction(filter, appliedTx(), 7, 'a');
    expect(sink.calls).toEqual(['begin', 'end 7']);
    expect(filter.appliedSkipped).toBe(2);
    expect(asked).toContain('a');
    expect(filter.unversioned).toBe(0);
  });

  it('relays an applied transaction with its first origin, versions attached', async () => {
    const { sink, filter } = setup((origin) => origin === 'a');
    await transaction(filter, appliedTx(), 7, 'a');
    expect(sink.calls).toEqual(['begin', 'publish orders u', 'publish notes c', 'end 7']);
    expect(sink.published.map((e) => e.origin)).toEqual(['a', 'a']);
    expect(sink.published[0]!.version).toEqual({ ts: 10n, rank: 1, node: 'a', prev: { ts: 5n, rank: 1 } });
    expect(filter.appliedSkipped).toBe(0);
  });

  it('relays a delete and re-insert of one key in an applied transaction with the one version its applier wrote', async () => {
    const { sink, filter } = setup((origin) => origin === 'a');
    const tx = [event(ordersShadow, 'u', null, shadowRow({ id: 1 }, 10n, 1, 'a', [5n, 1])), event(orders, 'd', { id: 1, qty: 9 }, null), event(orders, 'c', null, { id: 1, qty: 3 })];
    await transaction(filter, tx, 8, 'a');
    expect(sink.published.map((e) => e.version?.ts)).toEqual([10n, 10n]);
    expect(filter.unversioned).toBe(0);
  });

  it('forgets the mark at the next transaction', async () => {
    const { sink, filter } = setup();
    await transaction(filter, [event(notes, 'c', null, { id: 1, text: 1 })], 1, 'a');
    await transaction(filter, [event(notes, 'c', null, { id: 2, text: 1 })], 2);
    expect(sink.calls).toEqual(['begin', 'end 1', 'begin', 'publish notes c', 'end 2']);
    expect(sink.published[0]!.origin).toBe('b');
  });

  it('treats a change to a progress table as the mark, with the row\'s origin, and does not publish it', async () => {
    const asked: string[] = [];
    const { sink, filter } = setup((origin) => {
      asked.push(origin);
      return origin === 'c';
    });
    await transaction(filter, [event(progress, 'u', null, { consumer_id: 1, origin: 'a', marks: 3 }), event(notes, 'c', null, { id: 1, text: 1 })], 1);
    await transaction(filter, [event(progress, 'u', null, { consumer_id: 1, origin: 'c', marks: 4 }), event(notes, 'c', null, { id: 2, text: 1 })], 2);
    expect(sink.calls).toEqual(['begin', 'end 1', 'begin', 'publish notes c', 'end 2']);
    expect(asked).toEqual(['a', 'c']);
    expect(sink.published[0]!.origin).toBe('c');
    expect(filter.appliedSkipped).toBe(1);
  });

  it('ignores progress tables it was not given', async () => {
    const { sink, filter } = setup(() => false, []);
    await transaction(filter, [event(progress, 'u', null, { consumer_id: 1, origin: 'a', marks: 3 })], 1);
    expect(sink.calls).toEqual(['begin', 'publish tandem_progress u', 'end 1']);
  });

  it('treats an empty origin as applied, and drops the transaction without asking about relaying', async () => {
    const asked: string[] = [];
    const { sink, filter } = setup((origin) => {
      asked.push(origin);
      return true;
    });
    await transaction(filter, [event(notes, 'c', null, { id: 1, text: 1 })], 1, '');
    await transaction(filter, [event(progress, 'u', null, { consumer_id: 1, origin: '', marks: 1 }), event(notes, 'c', null, { id: 2, text: 1 })], 2);
    await transaction(filter, [event(progress, 'u', null, { consumer_id: 1, marks: 1 }), event(notes, 'c', null, { id: 3, text: 1 })], 3);
    expect(sink.calls).toEqual(['begin', 'end 1', 'begin', 'end 2', 'begin', 'end 3']);
    expect(asked).toEqual([]);
    expect(filter.appliedSkipped).toBe(3);
  });
});
