import { ErrorCodes, TandemError } from '../errors.js';
import type { LogicalType } from '../model/logical-type.js';

/** A short human name for a logical type, for error messages ("decimal(12,2)", "int32[]"). */
export function describeType(type: LogicalType): string {
  switch (type.kind) {
    case 'decimal':
      return type.precision === undefined ? 'decimal' : `decimal(${type.precision},${type.scale ?? 0})`;
    case 'string':
      return type.maxLength === undefined ? 'string' : `string(${type.maxLength})`;
    case 'enum':
      return `enum ${type.typeName}`;
    case 'array':
      return `${describeType(type.element)}[]`;
    default:
      return type.kind;
  }
}

const MAX_SHOWN = 160;

/** The text quoted for a message, cut to a readable length. */
export function showText(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);
}

/** PostgreSQL sent text that is not in the form its type's output function produces under our session settings. */
export function malformed(type: LogicalType, text: string, expected: string): TandemError {
  return new TandemError(
    ErrorCodes.PG_PROTOCOL,
    `Cannot read PostgreSQL text ${showText(text)} as a ${describeType(type)} value: expected ${expected}. ` +
      'The replication session must run with REPLICATION_SESSION_OPTIONS (src/postgres/session-settings.ts); ' +
      'check that nothing (a connection pooler, a proxy) drops the startup "options" parameter.',
  );
}

/** A value PostgreSQL produced correctly but that the engine-neutral value model cannot hold. */
export function unsupportedValue(type: LogicalType, text: string, problem: string, fix: string): TandemError {
  return new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `Cannot carry the PostgreSQL ${describeType(type)} value ${showText(text)}: ${problem}. Fix: ${fix}.`,
  );
}

/** A JS value handed to a formatter does not fit the logical type. */
export function badValue(type: LogicalType, value: unknown, expected: string): TandemError {
  let shown: string;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : Buffer.isBuffer(value) ? `<Buffer ${value.length} bytes>` : String(JSON.stringify(value));
  } catch {
    shown = String(value);
  }
  return new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `Cannot format ${showText(shown)} as PostgreSQL text for a ${describeType(type)} column: expected ${expected}.`,
  );
}

/** Powers of ten for scaling up to 6 fractional digits to microseconds. */
export const SCALE_TO_MICROS = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1] as const;

/** `n` printed with at least `width` digits, zero-padded (n >= 0). */
export function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}
