/**
 * The Avro schema of each LogicalType (see docs/avro.md for the table). A column's Avro type is the
 * union ["null", ...avroBranchesFor(type)]; the extra branches carry values the Avro logical type has
 * no form for (infinite dates and timestamps, NaN and infinite decimals).
 */
import type { LogicalType } from '../model/logical-type.js';
import { decimalShape } from './logical-type-check.js';

export const SharedTypeNames = {
  infinity: 'io.tandem.Infinity',
  decimalSpecial: 'io.tandem.DecimalSpecial',
  variableScaleDecimal: 'io.tandem.VariableScaleDecimal',
  timeTz: 'io.tandem.TimeTz',
  interval: 'io.tandem.Interval',
  wideTimestamp: 'io.tandem.WideTimestamp',
} as const;

/** Symbols of io.tandem.Infinity, indexed by the in-memory value. */
export const InfinitySymbols = { infinity: 'INFINITY', '-infinity': 'NEG_INFINITY' } as const;
/** Symbols of io.tandem.DecimalSpecial, indexed by the in-memory value. */
export const DecimalSpecialSymbols = { NaN: 'NAN', Infinity: 'INFINITY', '-Infinity': 'NEG_INFINITY' } as const;

const SHARED_DEFINITIONS: Record<string, () => object> = {
  [SharedTypeNames.infinity]: () => ({
    type: 'enum',
    name: SharedTypeNames.infinity,
    doc: "A date or timestamp that is 'infinity' or '-infinity' (PostgreSQL).",
    symbols: Object.values(InfinitySymbols),
  }),
  [SharedTypeNames.decimalSpecial]: () => ({
    type: 'enum',
    name: SharedTypeNames.decimalSpecial,
    doc: "A decimal that is 'NaN', 'Infinity' or '-Infinity' (PostgreSQL numeric).",
    symbols: Object.values(DecimalSpecialSymbols),
  }),
  [SharedTypeNames.variableScaleDecimal]: () => ({
    type: 'record',
    name: SharedTypeNames.variableScaleDecimal,
    doc: 'A decimal of a column without declared precision and scale: unscaled × 10^-scale.',
    fields: [
      { name: 'scale', type: 'int', doc: 'Digits after the decimal point (as the source printed it).' },
      { name: 'unscaled', type: 'bytes', doc: 'The digits as an integer: big-endian two’s complement, fewest bytes.' },
    ],
  }),
  [SharedTypeNames.timeTz]: () => ({
    type: 'record',
    name: SharedTypeNames.timeTz,
    doc: 'A time of day with a UTC offset (PostgreSQL timetz).',
    fields: [
      { name: 'micros', type: { type: 'long', logicalType: 'time-micros' }, doc: 'Local time, microseconds since midnight (0..86400000000).' },
      { name: 'offsetSeconds', type: 'int', doc: 'UTC offset in seconds, east of UTC positive (ISO 8601 sign).' },
    ],
  }),
  [SharedTypeNames.wideTimestamp]: () => ({
    type: 'record',
    name: SharedTypeNames.wideTimestamp,
    doc: 'A timestamp beyond the int64 range of microseconds since 1970 (PostgreSQL allows up to 294276 AD, past 2^63 µs).',
    fields: [
      {
        name: 'micros',
        type: { type: 'bytes', logicalType: 'decimal', precision: 40, scale: 0 },
        doc: 'Microseconds since 1970-01-01T00:00:00 (UTC for timestamptz), an integer as big-endian two’s complement.',
      },
    ],
  }),
  [SharedTypeNames.interval]: () => ({
    type: 'record',
    name: SharedTypeNames.interval,
    doc: 'A PostgreSQL interval: its three independent signed parts.',
    fields: [
      { name: 'months', type: 'int', doc: 'Months (years × 12 + months).' },
      { name: 'days', type: 'int', doc: 'Days.' },
      { name: 'micros', type: 'long', doc: 'Microseconds (hours, minutes, seconds).' },
    ],
  }),
};

/** Writes each shared named type in full the first time a schema uses it, and by name afterwards. */
export class NamedTypeUse {
  private readonly defined = new Set<string>();

  ref(fullName: string): unknown {
    if (this.defined.has(fullName)) return fullName;
    this.defined.add(fullName);
    const define = SHARED_DEFINITIONS[fullName];
    if (define === undefined) throw new Error(`no definition for the shared Avro type ${fullName}`);
    return define();
  }
}

/** The non-null union branches a value of `type` is written as, in branch order. */
export function avroBranchesFor(type: LogicalType, named: NamedTypeUse): unknown[] {
  switch (type.kind) {
    case 'boolean':
      return ['boolean'];
    case 'int16':
    case 'int32':
      return ['int'];
    case 'int64':
      return ['long'];
    case 'decimal': {
      if (type.precision === undefined) {
        return [named.ref(SharedTypeNames.variableScaleDecimal), named.ref(SharedTypeNames.decimalSpecial)];
      }
      const shape = decimalShape(type.precision, type.scale ?? 0);
      return [
        { type: 'bytes', logicalType: 'decimal', precision: shape.avroPrecision, scale: shape.avroScale },
        named.ref(SharedTypeNames.decimalSpecial),
      ];
    }
    case 'float32':
      return ['float'];
    case 'float64':
      return ['double'];
    case 'string':
    case 'json':
    case 'enum':
      return ['string'];
    case 'bytes':
      return ['bytes'];
    case 'date':
      return [{ type: 'int', logicalType: 'date' }, named.ref(SharedTypeNames.infinity)];
    case 'time':
      return [{ type: 'long', logicalType: 'time-micros' }];
    case 'timetz':
      return [named.ref(SharedTypeNames.timeTz)];
    case 'timestamp':
    case 'timestamptz':
      return [
        { type: 'long', logicalType: type.kind === 'timestamp' ? 'local-timestamp-micros' : 'timestamp-micros' },
        named.ref(SharedTypeNames.infinity),
        named.ref(SharedTypeNames.wideTimestamp),
      ];
    case 'interval':
      return [named.ref(SharedTypeNames.interval)];
    case 'uuid':
      return [{ type: 'string', logicalType: 'uuid' }];
    case 'array':
      return [{ type: 'array', items: ['null', ...avroBranchesFor(type.element, named)] }];
  }
}
