/**
 * Engine-neutral column types. Each reader maps its engine's column types onto these, the Avro layer
 * maps these onto Avro schemas, and (later) each applier maps these onto its engine's SQL types.
 *
 * In-memory value representation per kind (what a reader produces and the Avro layer encodes):
 *
 * | kind        | JS value                                                                                |
 * |-------------|-----------------------------------------------------------------------------------------|
 * | boolean     | boolean                                                                                 |
 * | int16/int32 | number (safe integer)                                                                   |
 * | int64       | bigint                                                                                  |
 * | decimal     | string, canonical decimal text ("-12.3400"), or "NaN" / "Infinity" / "-Infinity"        |
 * | float32     | number (a float32-representable value; NaN and ±Infinity allowed)                       |
 * | float64     | number (NaN and ±Infinity allowed)                                                      |
 * | string      | string                                                                                  |
 * | bytes       | Buffer                                                                                  |
 * | date        | number (days since 1970-01-01) or "infinity" / "-infinity"                              |
 * | time        | bigint (microseconds since midnight, 0..86_400_000_000 inclusive: PostgreSQL allows 24:00) |
 * | timetz      | { micros: bigint, offsetSeconds: number } (offset east of UTC, as ISO 8601)             |
 * | timestamp   | bigint (microseconds since 1970-01-01T00:00:00, no zone) or "infinity" / "-infinity"   |
 * | timestamptz | bigint (microseconds since 1970-01-01T00:00:00Z) or "infinity" / "-infinity"           |
 * | interval    | { months: number, days: number, micros: bigint }                                        |
 * | uuid        | string (lower-case canonical 8-4-4-4-12)                                                 |
 * | json        | string (the JSON text exactly as the source stored it)                                   |
 * | enum        | string (the label)                                                                       |
 * | array       | Array<element value | null> (one-dimensional)                                             |
 */
export type LogicalType =
  | { kind: 'boolean' }
  | { kind: 'int16' }
  | { kind: 'int32' }
  | { kind: 'int64' }
  /** precision/scale absent: unconstrained (PostgreSQL `numeric` without typmod). */
  | { kind: 'decimal'; precision?: number; scale?: number }
  | { kind: 'float32' }
  | { kind: 'float64' }
  /** maxLength: declared length where the source has one (varchar(n), char(n)); fixed: blank-padded char(n). */
  | { kind: 'string'; maxLength?: number; fixed?: boolean }
  | { kind: 'bytes' }
  | { kind: 'date' }
  | { kind: 'time' }
  | { kind: 'timetz' }
  | { kind: 'timestamp' }
  | { kind: 'timestamptz' }
  | { kind: 'interval' }
  | { kind: 'uuid' }
  /** binary: PostgreSQL jsonb (normalised by the server) as opposed to json (text kept verbatim). */
  | { kind: 'json'; binary?: boolean }
  | { kind: 'enum'; typeName: string; labels?: string[] }
  | { kind: 'array'; element: LogicalType };

export type LogicalKind = LogicalType['kind'];

export type Infinity = 'infinity' | '-infinity';

export interface TimeTzValue {
  micros: bigint;
  offsetSeconds: number;
}

export interface IntervalValue {
  months: number;
  days: number;
  micros: bigint;
}

export type ScalarValue =
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | TimeTzValue
  | IntervalValue;

export type Value = ScalarValue | Array<Value | null>;
