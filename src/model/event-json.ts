import type { ChangeEvent, RowImage } from './change-event.js';
import type { Value } from './logical-type.js';
import type { ChangeVersion } from '../twoway/row-version.js';

/**
 * A JSON-safe view of a change event for people and tools: bigints as decimal strings, bytes as
 * "\\x…" hex, everything else as is. (The wire format is Avro; this is only for display.)
 */
export function eventToJson(event: ChangeEvent): Record<string, unknown> {
  return {
    op: event.op,
    table: `${event.table.schema}.${event.table.table}`,
    key: event.table.key,
    before: rowToJson(event.before),
    after: rowToJson(event.after),
    ...(event.unchangedColumns.length ? { unchangedColumns: event.unchangedColumns } : {}),
    source: Object.fromEntries(Object.entries(event.source).filter(([, v]) => v !== null).map(([k, v]) => [k, valueToJson(v as Value)])),
    origin: event.origin,
    transaction: event.transaction,
    ...(event.version ? { version: versionToJson(event.version) } : {}),
  };
}

/** A row version with its bigint times as decimal strings. */
export function versionToJson(version: ChangeVersion): Record<string, unknown> {
  return {
    ts: version.ts.toString(),
    rank: version.rank,
    node: version.node,
    prev: { ts: version.prev.ts.toString(), rank: version.prev.rank },
  };
}

export function rowToJson(row: RowImage | null): Record<string, unknown> | null {
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : valueToJson(v)]));
}

export function valueToJson(value: Value): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return value.map((v) => (v === null ? null : valueToJson(v)));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueToJson(v as Value)]));
  }
  return value;
}
