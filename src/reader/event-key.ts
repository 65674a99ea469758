import type { ChangeEvent, RowImage } from '../model/change-event.js';
import type { Value } from '../model/logical-type.js';

/**
 * The Kafka message key of a change: the table and the row's key values, so every change of one row
 * lands in one partition, in order. Format (UTF-8 JSON): ["schema.table", key value, …], values in a
 * canonical text form (bigint as decimal text, bytes as hex). Truncates carry the table alone.
 */
export function eventKey(event: ChangeEvent): Buffer {
  const { table } = event;
  const parts: unknown[] = [`${table.schema}.${table.table}`];
  if (event.op !== 't') {
    const image: RowImage = (event.op === 'd' ? event.before : event.after) ?? {};
    for (const column of table.key) parts.push(canonical(image[column] ?? null));
  }
  return Buffer.from(JSON.stringify(parts));
}

/** A key value in the canonical form of event keys (also used to match rows to their shadow rows). */
export function canonical(value: Value | null): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return value.map(canonical);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v as Value)]));
}
