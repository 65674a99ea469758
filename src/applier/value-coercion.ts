import type { IntervalValue, LogicalType, Value } from '../model/logical-type.js';
import { formatPgText } from '../postgres/text-values.js';
import type { TargetColumn } from './target-table.js';

/**
 * Source value → target value, engine-neutral: from the source column's LogicalType to the target
 * column's, exactly or not at all. What may go where is the cross-engine table in docs/type-mapping.md.
 * A value the target type cannot hold exactly throws a ValueProblem (the caller adds table, column and
 * position); a pairing of types that can never work is reported once, when the table is bound.
 */
export class ValueProblem extends Error {}

export type Coerce = (value: Value) => Value;

const INT_RANGE: Record<'int16' | 'int32' | 'int64', [bigint, bigint]> = {
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The coercion from `source` to the target column's type, or why the pairing cannot work. */
export function coercionFor(source: LogicalType, target: TargetColumn): Coerce | { incompatible: string } {
  const type = target.type;
  if (!type) return { incompatible: target.refused ?? 'Tandem cannot write this column type' };
  const convert = kindChange(source, type);
  if ('incompatible' in convert) return convert;
  const check = fitCheck(type, target);
  if (!check) return convert;
  return (value) => check(convert(value));
}

function same(value: Value): Value {
  return value;
}

/** Changes the value's representation from the source kind to the target kind. */
function kindChange(source: LogicalType, target: LogicalType): Coerce | { incompatible: string } {
  const s = source.kind;
  const t = target.kind;
  if (s === t) {
    if (s !== 'array') return same;
    const element = kindChange((source as { element: LogicalType }).element, (target as { element: LogicalType }).element);
    if ('incompatible' in element) return element;
    const elementCheck = fitCheck((target as { element: LogicalType }).element, undefined);
    return (value) => (value as Array<Value | null>).map((v) => (v === null ? null : elementCheck ? elementCheck(element(v)) : element(v)));
  }
  const integer = s === 'int16' || s === 'int32' || s === 'int64';
  if (t === 'int16' || t === 'int32' || t === 'int64') {
    if (integer) return (v) => toIntKind(BigInt(v as number | bigint), t);
    if (s === 'boolean') return (v) => toIntKind(v ? 1n : 0n, t);
    if (s === 'decimal') return (v) => toIntKind(decimalToInteger(v as string), t);
  }
  if (t === 'boolean' && integer) {
    return (v) => {
      const n = BigInt(v as number | bigint);
      if (n !== 0n && n !== 1n) throw new ValueProblem(`${n} is not a boolean (only 0 and 1 are)`);
      return n === 1n;
    };
  }
  if (t === 'decimal' && integer) return (v) => String(v);
  if (t === 'float64' && (integer || s === 'float32')) {
    return (v) => {
      if (typeof v === 'number') return v;
      const n = Number(v as bigint);
      if (BigInt(n) !== v) throw new ValueProblem(`${v} has no exact double-precision value`);
      return n;
    };
  }
  if (t === 'float32' && (integer || s === 'float64')) {
    return (v) => {
      const n = typeof v === 'bigint' ? Number(v) : (v as number);
      if (Math.fround(n) !== n && !Number.isNaN(n)) throw new ValueProblem(`${String(v)} has no exact single-precision (float4/FLOAT) value`);
      if (typeof v === 'bigint' && BigInt(n) !== v) throw new ValueProblem(`${v} has no exact single-precision value`);
      return n;
    };
  }
  if (t === 'timestamp' && s === 'timestamptz') return same; // the UTC wall clock
  if (t === 'timestamptz' && s === 'timestamp') return same; // read as UTC
  if (t === 'interval' && s === 'time') return (v) => ({ months: 0, days: 0, micros: v as bigint });
  if (t === 'time' && s === 'interval') {
    return (v) => {
      const i = v as IntervalValue;
      if (i.months !== 0 || i.days !== 0 || i.micros < 0n || i.micros > 86_400_000_000n) {
        throw new ValueProblem(`${formatPgText(source, v)} is not a time of day (00:00:00 to 24:00:00)`);
      }
      return i.micros;
    };
  }
  if (t === 'string') {
    if (s === 'string' || s === 'enum' || s === 'json' || s === 'uuid') return same;
    if (s === 'bytes') return { incompatible: 'binary values do not go into text columns; use a binary column (bytea, VARBINARY, BLOB)' };
    return (v) => formatPgText(source, v); // the PostgreSQL text form: exact and re-readable
  }
  if ((t === 'enum' || t === 'json' || t === 'uuid') && (s === 'string' || s === 'enum' || s === 'uuid' || s === 'json')) return same;
  return { incompatible: `a ${describe(source)} column cannot go into a ${describe(target)} column` };
}

function toIntKind(n: bigint, kind: 'int16' | 'int32' | 'int64'): Value {
  const [min, max] = INT_RANGE[kind];
  if (n < min || n > max) throw new ValueProblem(`${n} is out of range (${min}..${max})`);
  return kind === 'int64' ? n : Number(n);
}

function decimalToInteger(text: string): bigint {
  const d = parseDecimalText(text);
  if (!d) throw new ValueProblem(`${text} is not an integer`);
  if (d.scale > 0) {
    const unit = 10n ** BigInt(d.scale);
    if (d.unscaled % unit !== 0n) throw new ValueProblem(`${text} is not an integer`);
    return d.unscaled / unit;
  }
  return d.unscaled;
}

/** Checks that a value of the target kind fits the target column's limits exactly. */
function fitCheck(type: LogicalType, column: TargetColumn | undefined): Coerce | undefined {
  switch (type.kind) {
    case 'decimal': {
      const precision = column?.numericPrecision ?? type.precision;
      const scale = column?.numericScale ?? type.scale;
      if (precision === undefined || scale === undefined) return undefined;
      return (v) => {
        checkDecimal(v as string, precision, scale);
        return v;
      };
    }
    case 'string': {
      const max = type.maxLength;
      if (max === undefined) return undefined;
      return (v) => {
        const text = v as string;
        if (text.length > max && codePoints(text) > max) throw new ValueProblem(`${codePoints(text)} characters do not fit ${column?.sqlType ?? `length ${max}`}`);
        return v;
      };
    }
    // enum: both engines refuse a label the type does not have (MySQL in strict mode), and MySQL's
    // information_schema cannot even spell labels with characters outside the BMP: the target checks.
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return fractionCheck(column?.fractionDigits, (v) => (typeof v === 'bigint' ? v : undefined));
    case 'timetz':
      return fractionCheck(column?.fractionDigits, (v) => (v as { micros: bigint }).micros);
    case 'interval': {
      const fraction = fractionCheck(column?.fractionDigits, (v) => (v as IntervalValue).micros);
      const range = column?.intervalRange;
      if (range === undefined) return fraction;
      return (v) => {
        checkIntervalFields(v as IntervalValue, range);
        return fraction ? fraction(v) : v;
      };
    }
    default:
      return undefined;
  }
}

function fractionCheck(digits: number | undefined, micros: (v: Value) => bigint | undefined): Coerce | undefined {
  if (digits === undefined || digits >= 6) return undefined;
  const unit = 10n ** BigInt(6 - digits);
  return (v) => {
    const m = micros(v);
    if (m !== undefined && m % unit !== 0n) throw new ValueProblem(`its fraction of a second has more than the column's ${digits} digits`);
    return v;
  };
}

/** PostgreSQL interval typmod range bits (datetime.h: MONTH 1, YEAR 2, DAY 3, HOUR 10, MINUTE 11, SECOND 12). */
const MONTH = 1 << 1;
const YEAR = 1 << 2;
const DAY = 1 << 3;
const HOUR = 1 << 10;
const MINUTE = 1 << 11;
const SECOND = 1 << 12;

function checkIntervalFields(v: IntervalValue, range: number): void {
  const drop = (what: string) => {
    throw new ValueProblem(`the column keeps no ${what} (its interval fields are restricted)`);
  };
  if (range & SECOND) return;
  if (range & MINUTE) {
    if (v.micros % 60_000_000n !== 0n) drop('seconds');
  } else if (range & HOUR) {
    if (v.micros % 3_600_000_000n !== 0n) drop('minutes or seconds');
  } else if (range & DAY) {
    if (v.micros !== 0n) drop('time of day');
  } else if (range & MONTH) {
    if (v.days !== 0 || v.micros !== 0n) drop('days or time');
  } else if (range & YEAR) {
    if (v.months % 12 !== 0 || v.days !== 0 || v.micros !== 0n) drop('months, days or time');
  }
}

export interface DecimalParts {
  unscaled: bigint;
  scale: number;
}

/** "-12.340" → { unscaled: -12340n, scale: 3 }; undefined for NaN/Infinity. */
export function parseDecimalText(text: string): DecimalParts | undefined {
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return undefined;
  const dot = text.indexOf('.');
  if (dot < 0) return { unscaled: BigInt(text), scale: 0 };
  return { unscaled: BigInt(text.slice(0, dot) + text.slice(dot + 1)), scale: text.length - dot - 1 };
}

/** The value must be m × 10^-scale with |m| < 10^precision (what numeric(p,s) / DECIMAL(p,s) hold without rounding). */
export function checkDecimal(text: string, precision: number, scale: number): void {
  const d = parseDecimalText(text);
  if (!d) return; // NaN / ±Infinity: the engine decides (PostgreSQL numeric holds them, MySQL refuses them on format)
  let m: bigint;
  if (d.scale <= scale) m = d.unscaled * 10n ** BigInt(scale - d.scale);
  else {
    const unit = 10n ** BigInt(d.scale - scale);
    if (d.unscaled % unit !== 0n) throw new ValueProblem(`${text} has more than ${scale} fraction digits; the target would round it`);
    m = d.unscaled / unit;
  }
  const limit = 10n ** BigInt(precision);
  if (m >= limit || -m >= limit) throw new ValueProblem(`${text} does not fit decimal(${precision},${scale})`);
}

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

export function describe(type: LogicalType): string {
  switch (type.kind) {
    case 'decimal':
      return type.precision === undefined ? 'decimal' : `decimal(${type.precision},${type.scale ?? 0})`;
    case 'array':
      return `${describe(type.element)}[]`;
    case 'enum':
      return `enum ${type.typeName}`;
    default:
      return type.kind;
  }
}
