/**
 * Per-LogicalType conversion between the in-memory value (src/model/logical-type.ts) and the value avsc
 * writes for the column's non-null union branches (src/avro/logical-type-schema.ts), with validation:
 * a value that does not fit the type is rejected (ValueRejected), never altered. Codecs are built once
 * per writer schema; toAvro / fromAvro run once per column per row.
 */
import type { LogicalType, Value } from '../model/logical-type.js';
import { INT64_MAX, INT64_MIN } from './bigint-long.js';
import { isWellFormedUnicode } from './avro-names.js';
import { decimalCodec } from './decimal-codec.js';
import { bigintToTwosComplement, twosComplementToBigint } from './decimal-text.js';
import { InfinitySymbols } from './logical-type-schema.js';
import { reject, ValueRejected, type ValueCodec } from './value-codec.js';

const INT16_RANGE = [-32768, 32767] as const;
const INT32_RANGE = [-2147483648, 2147483647] as const;
const MICROS_PER_DAY = 86_400_000_000n;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const identity = (avro: unknown): Value => avro as Value;

export function codecFor(type: LogicalType): ValueCodec {
  switch (type.kind) {
    case 'boolean':
      return { toAvro: (v) => (typeof v === 'boolean' ? v : reject('expected a boolean')), fromAvro: identity };
    case 'int16':
      return integerCodec(INT16_RANGE, 'int16');
    case 'int32':
      return integerCodec(INT32_RANGE, 'int32');
    case 'int64':
      return { toAvro: (v) => (isInt64(v) ? v : reject('expected a bigint in -2^63..2^63-1 (int64)')), fromAvro: identity };
    case 'decimal':
      return decimalCodec(type.precision, type.scale);
    case 'float32':
      return {
        toAvro: (v) =>
          typeof v === 'number' && (Math.fround(v) === v || v !== v) ? v : reject('expected a float32-representable number'),
        fromAvro: identity,
      };
    case 'float64':
      return { toAvro: (v) => (typeof v === 'number' ? v : reject('expected a number')), fromAvro: identity };
    case 'string':
      return stringCodec(type.maxLength);
    case 'json':
      return stringCodec(undefined);
    case 'enum':
      return enumCodec(type.labels);
    case 'bytes':
      return { toAvro: (v) => (Buffer.isBuffer(v) ? v : reject('expected a Buffer')), fromAvro: identity };
    case 'date':
      return withInfinity(
        { toAvro: (v) => (isInRange(v, INT32_RANGE) ? v : undefined), fromAvro: identity },
        'an integer day number in int32 range',
      );
    case 'time':
      return { toAvro: (v) => (isTimeOfDay(v) ? v : reject('expected a bigint in 0..86400000000 (microseconds)')), fromAvro: identity };
    case 'timetz':
      return { toAvro: timeTzToAvro, fromAvro: timeTzFromAvro };
    case 'timestamp':
    case 'timestamptz':
      return withInfinity(timestampCodec, 'a bigint of microseconds');
    case 'interval':
      return { toAvro: intervalToAvro, fromAvro: intervalFromAvro };
    case 'uuid':
      return {
        toAvro: (v) => (typeof v === 'string' && UUID_TEXT.test(v) ? v : reject('expected a lower-case canonical UUID')),
        fromAvro: identity,
      };
    case 'array':
      return arrayCodec(codecFor(type.element));
  }
}

function isInRange(v: unknown, [min, max]: readonly [number, number]): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isInt64(v: unknown): v is bigint {
  return typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX;
}

function isTimeOfDay(v: unknown): v is bigint {
  return typeof v === 'bigint' && v >= 0n && v <= MICROS_PER_DAY;
}

function integerCodec(range: readonly [number, number], kind: string): ValueCodec {
  const reason = `expected an integer in ${range[0]}..${range[1]} (${kind})`;
  // -0 is written as 0: integers have no negative zero.
  return { toAvro: (v) => (isInRange(v, range) ? v : reject(reason)), fromAvro: identity };
}

/** string, json: UTF-8 on the wire, so lone surrogates (no UTF-8 form) are rejected, not replaced. */
function stringCodec(maxLength: number | undefined): ValueCodec {
  return {
    toAvro: (v) => {
      if (typeof v !== 'string') reject('expected a string');
      if (!isWellFormedUnicode(v)) reject('the string contains a lone UTF-16 surrogate (no UTF-8 form)');
      if (maxLength !== undefined && v.length > maxLength && codePointCount(v) > maxLength) {
        reject(`longer than the declared ${maxLength} characters`);
      }
      return v;
    },
    fromAvro: identity,
  };
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) count++; // low surrogates continue a pair already counted
  }
  return count;
}

function enumCodec(labels: string[] | undefined): ValueCodec {
  const known = labels === undefined ? undefined : new Set(labels);
  const text = stringCodec(undefined);
  return {
    toAvro: (v) => {
      const label = text.toAvro(v) as string;
      if (known !== undefined && !known.has(label)) reject('not one of the enum type’s labels');
      return label;
    },
    fromAvro: identity,
  };
}

/**
 * date, timestamp, timestamptz: the io.tandem.Infinity symbol for 'infinity' / '-infinity', else the
 * finite codec (whose toAvro returns undefined for a value it does not take).
 */
function withInfinity(finite: ValueCodec, expected: string): ValueCodec {
  const reason = `expected ${expected}, 'infinity' or '-infinity'`;
  return {
    toAvro: (v) => {
      if (v === 'infinity' || v === '-infinity') return InfinitySymbols[v];
      const avro = finite.toAvro(v);
      return avro === undefined ? reject(reason) : avro;
    },
    fromAvro: (avro) =>
      avro === InfinitySymbols.infinity ? 'infinity' : avro === InfinitySymbols['-infinity'] ? '-infinity' : finite.fromAvro(avro),
  };
}

const WIDE_TIMESTAMP_LIMIT = 10n ** 40n; // io.tandem.WideTimestamp.micros is decimal(40, 0)

/** timestamp, timestamptz: a long, or io.tandem.WideTimestamp beyond the int64 range. */
const timestampCodec: ValueCodec = {
  toAvro: (v) => {
    if (typeof v !== 'bigint' || v <= -WIDE_TIMESTAMP_LIMIT || v >= WIDE_TIMESTAMP_LIMIT) return undefined;
    return v >= INT64_MIN && v <= INT64_MAX ? v : { micros: bigintToTwosComplement(v) };
  },
  fromAvro: (avro) =>
    typeof avro === 'bigint' ? avro : twosComplementToBigint((avro as { micros: Buffer }).micros),
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function timeTzToAvro(v: unknown): unknown {
  if (!isPlainObject(v) || !isTimeOfDay(v['micros']) || !isInRange(v['offsetSeconds'], INT32_RANGE)) {
    reject('expected { micros: bigint in 0..86400000000, offsetSeconds: int32 }');
  }
  return v; // avsc reads the record's fields by name
}

function timeTzFromAvro(avro: unknown): Value {
  const record = avro as { micros: bigint; offsetSeconds: number };
  return { micros: record.micros, offsetSeconds: record.offsetSeconds };
}

function intervalToAvro(v: unknown): unknown {
  if (
    !isPlainObject(v) ||
    !isInRange(v['months'], INT32_RANGE) ||
    !isInRange(v['days'], INT32_RANGE) ||
    !isInt64(v['micros'])
  ) {
    reject('expected { months: int32, days: int32, micros: int64 bigint }');
  }
  return v;
}

function intervalFromAvro(avro: unknown): Value {
  const record = avro as { months: number; days: number; micros: bigint };
  return { months: record.months, days: record.days, micros: record.micros };
}

/** array: Avro array of ["null", element...]; null elements stay null. */
function arrayCodec(element: ValueCodec): ValueCodec {
  return {
    toAvro: (v) => {
      if (!Array.isArray(v)) reject('expected an array');
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item === null) {
          out[i] = null;
          continue;
        }
        try {
          out[i] = element.toAvro(item);
        } catch (error) {
          if (error instanceof ValueRejected) reject(`element [${i}]: ${error.message}`);
          throw error;
        }
      }
      return out;
    },
    fromAvro: (avro) => (avro as unknown[]).map((item) => (item === null ? null : element.fromAvro(item))),
  };
}
