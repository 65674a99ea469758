/**
 * Validation and normalisation of LogicalType values (from a TableSchema, or read back from a writer
 * schema's "tandem.type" attribute), and the Avro shape of constrained decimals.
 */
import { ErrorCodes, TandemError } from '../errors.js';
import type { LogicalType } from '../model/logical-type.js';

const SIMPLE_KINDS: ReadonlySet<string> = new Set([
  'boolean',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'bytes',
  'date',
  'time',
  'timetz',
  'timestamp',
  'timestamptz',
  'interval',
  'uuid',
]);

/**
 * A copy of `raw` holding exactly the LogicalType's properties in a fixed order (so equal types
 * serialise equally), or a TandemError AVRO_SCHEMA naming `where` when `raw` is not a LogicalType.
 */
export function checkLogicalType(raw: unknown, where: string): LogicalType {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidType(where, raw, 'not an object');
  }
  const record = raw as Record<string, unknown>;
  const kind = record['kind'];
  if (typeof kind !== 'string') throw invalidType(where, raw, 'no kind');
  if (SIMPLE_KINDS.has(kind)) {
    allowOnly(record, ['kind'], where);
    return { kind } as LogicalType;
  }
  switch (kind) {
    case 'decimal': {
      allowOnly(record, ['kind', 'precision', 'scale'], where);
      const precision = optionalInteger(record, 'precision', where);
      const scale = optionalInteger(record, 'scale', where);
      if (precision === undefined && scale !== undefined) {
        throw invalidType(where, raw, 'a decimal scale needs a precision');
      }
      if (precision !== undefined && precision < 1) throw invalidType(where, raw, 'precision must be ≥ 1');
      if (precision === undefined) return { kind };
      return scale === undefined ? { kind, precision } : { kind, precision, scale };
    }
    case 'string': {
      allowOnly(record, ['kind', 'maxLength', 'fixed'], where);
      const maxLength = optionalInteger(record, 'maxLength', where);
      const fixed = optionalBoolean(record, 'fixed', where);
      if (maxLength !== undefined && maxLength < 0) throw invalidType(where, raw, 'maxLength must be ≥ 0');
      return {
        kind,
        ...(maxLength === undefined ? {} : { maxLength }),
        ...(fixed === undefined ? {} : { fixed }),
      };
    }
    case 'json': {
      allowOnly(record, ['kind', 'binary'], where);
      const binary = optionalBoolean(record, 'binary', where);
      return binary === undefined ? { kind } : { kind, binary };
    }
    case 'enum': {
      allowOnly(record, ['kind', 'typeName', 'labels'], where);
      const typeName = record['typeName'];
      const labels = record['labels'];
      if (typeof typeName !== 'string') throw invalidType(where, raw, 'an enum needs a typeName');
      if (labels === undefined) return { kind, typeName };
      if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
        throw invalidType(where, raw, 'enum labels must be strings');
      }
      return { kind, typeName, labels: [...(labels as string[])] };
    }
    case 'array': {
      allowOnly(record, ['kind', 'element'], where);
      return { kind, element: checkLogicalType(record['element'], `${where} (array element)`) };
    }
    default:
      throw invalidType(where, raw, `unknown kind ${JSON.stringify(kind)}`);
  }
}

/** How a constrained decimal(precision, scale) is carried by Avro's decimal logical type. */
export interface DecimalShape {
  /** Avro decimal attributes (Avro needs 0 ≤ scale ≤ precision). */
  avroPrecision: number;
  avroScale: number;
  /** Most digits the Avro unscaled value may have: precision, plus the zeros a negative scale implies. */
  maxDigits: number;
  /** The Avro unscaled value must be a multiple of this (10^-scale for a negative scale, else 1). */
  multipleOf: bigint;
}

/**
 * PostgreSQL allows a negative scale (numeric(5,-2): multiples of 100 up to 9999900) and a scale
 * greater than the precision (numeric(3,5): |x| < 0.01); Avro decimals allow neither, so those map to
 * the Avro decimal that holds exactly the same values, and the column's own limits are checked on write.
 */
export function decimalShape(precision: number, scale: number): DecimalShape {
  const impliedZeros = Math.max(0, -scale);
  const avroScale = Math.max(0, scale);
  return {
    avroPrecision: Math.max(precision + impliedZeros, avroScale),
    avroScale,
    maxDigits: precision + impliedZeros,
    multipleOf: 10n ** BigInt(impliedZeros),
  };
}

function allowOnly(record: Record<string, unknown>, keys: string[], where: string): void {
  for (const key of Object.keys(record)) {
    if (!keys.includes(key) && record[key] !== undefined) {
      throw invalidType(where, record, `unexpected property ${JSON.stringify(key)}`);
    }
  }
}

function optionalInteger(record: Record<string, unknown>, key: string, where: string): number | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidType(where, record, `${key} must be an integer`);
  }
  return value;
}

function optionalBoolean(record: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidType(where, record, `${key} must be a boolean`);
  return value;
}

function invalidType(where: string, raw: unknown, problem: string): TandemError {
  return new TandemError(
    ErrorCodes.AVRO_SCHEMA,
    `Invalid logical type for ${where}: ${problem} (${JSON.stringify(raw)}).`,
  );
}
