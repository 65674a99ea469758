import type { RowImage } from '../model/change-event.js';
import type { LogicalType, Value } from '../model/logical-type.js';
import type { TableSchema } from '../model/table.js';

/** A short, human line for a row image: timestamps in ISO 8601 (to the microsecond), the rest as JSON. */
export function describeRow(table: TableSchema, row: RowImage, hide: ReadonlySet<string> = new Set()): string {
  return table.columns
    .filter((c) => c.name in row && !hide.has(c.name))
    .map((c) => `${c.name}=${displayValue(c.type, row[c.name] ?? null)}`)
    .join(' ');
}

export function displayValue(type: LogicalType, value: Value | null): string {
  if (value === null) return 'null';
  if ((type.kind === 'timestamptz' || type.kind === 'timestamp') && typeof value === 'bigint') {
    const micros = ((value % 1_000_000n) + 1_000_000n) % 1_000_000n;
    const seconds = (value - micros) / 1_000_000n; // floor, also before 1970
    const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
    return `${iso}.${micros.toString().padStart(6, '0')}${type.kind === 'timestamptz' ? 'Z' : ''}`;
  }
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return JSON.stringify(value);
}
