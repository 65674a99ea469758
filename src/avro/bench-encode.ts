/**
 * Micro-benchmark of the encode hot path: one realistic 10-column insert event (PostgreSQL orders
 * table), encoded n times with a cached writer schema. Hooked into `npm run bench` by bench/main.ts.
 */
import type { ChangeEvent } from '../model/change-event.js';
import type { TableSchema } from '../model/table.js';
import { encodeChangeEvent } from './encode-change-event.js';
import { WriterSchemaCache } from './writer-schema.js';

export const benchTable: TableSchema = {
  node: 'pg-east',
  engine: 'postgres',
  database: 'shop',
  schema: 'public',
  table: 'orders',
  key: ['id'],
  columns: [
    { name: 'id', type: { kind: 'int64' }, sourceType: 'bigint', notNull: true },
    { name: 'customer_id', type: { kind: 'int32' }, sourceType: 'integer', notNull: true },
    { name: 'status', type: { kind: 'enum', typeName: 'order_status', labels: ['new', 'paid', 'shipped'] }, sourceType: 'order_status', notNull: true },
    { name: 'amount', type: { kind: 'decimal', precision: 12, scale: 2 }, sourceType: 'numeric(12,2)', notNull: true },
    { name: 'currency', type: { kind: 'string', maxLength: 3, fixed: true }, sourceType: 'character(3)', notNull: true },
    { name: 'created_at', type: { kind: 'timestamptz' }, sourceType: 'timestamp with time zone', notNull: true },
    { name: 'shipped_on', type: { kind: 'date' }, sourceType: 'date', notNull: false },
    { name: 'note', type: { kind: 'string' }, sourceType: 'text', notNull: false },
    { name: 'is_gift', type: { kind: 'boolean' }, sourceType: 'boolean', notNull: true },
    { name: 'weight_kg', type: { kind: 'float64' }, sourceType: 'double precision', notNull: false },
  ],
};

export function benchEvent(): ChangeEvent {
  return {
    op: 'c',
    table: benchTable,
    before: null,
    after: {
      id: 918_273_645_501n,
      customer_id: 42_017,
      status: 'paid',
      amount: '1249.90',
      currency: 'EUR',
      created_at: 1_767_225_600_123_456n,
      shipped_on: null,
      note: 'Leave the parcel with the neighbour at number 12 — thanks!',
      is_gift: false,
      weight_kg: 2.75,
    },
    unchangedColumns: [],
    source: {
      node: 'pg-east',
      engine: 'postgres',
      database: 'shop',
      schema: 'public',
      table: 'orders',
      lsn: '16/B374D848',
      txId: '771234',
      commitTimestampMicros: 1_767_225_600_124_001n,
      commitTimestampPrecision: 'micros',
      gtid: null,
      binlogFile: null,
      binlogPosition: null,
      serverId: null,
    },
    origin: 'pg-east',
    transaction: { id: '771234:16/B374D848', sequence: 3 },
  };
}

export function benchEncode(n: number): { eventsPerSecond: number } {
  const cache = new WriterSchemaCache();
  const event = benchEvent();
  const warmup = Math.min(n, 10_000);
  for (let i = 0; i < warmup; i++) encodeChangeEvent(event, cache.writerFor(event.table));
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) bytes += encodeChangeEvent(event, cache.writerFor(event.table)).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (bytes === 0 && n > 0) throw new Error('nothing was encoded');
  return { eventsPerSecond: n / seconds };
}
