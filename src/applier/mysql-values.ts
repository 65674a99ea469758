import type { IntervalValue, Value } from '../model/logical-type.js';
import { civilFromDays } from '../postgres/types-temporal.js';
import { formatPgText } from '../postgres/text-values.js';
import type { TargetColumn } from './target-table.js';
import { ValueProblem } from './value-coercion.js';

/** What a MySQL prepared-statement parameter holds: text the server converts exactly, a number, or bytes. */
export type MysqlParam = string | number | Buffer | null;

const MICROS_PER_DAY = 86_400_000_000n;
/** TIMESTAMP holds 1970-01-01 00:00:01 .. 2038-01-19 03:14:07.999999 UTC. */
const TIMESTAMP_MIN = 1_000_000n;
const TIMESTAMP_MAX = 2_147_483_647_999_999n;
/** TIME holds -838:59:59.999999 .. 838:59:59.999999. */
const TIME_LIMIT = 3_020_399_999_999n;

/**
 * A value of the target column's LogicalType → the parameter MySQL/MariaDB stores exactly, under the
 * applier's session (time_zone '+00:00', strict sql_mode). Values MySQL has no form for (NaN, infinity,
 * dates outside years 0..9999, BC dates) throw a ValueProblem.
 */
export function mysqlParam(column: TargetColumn, value: Value): MysqlParam {
  const type = column.type!;
  switch (type.kind) {
    case 'boolean':
      return value ? 1 : 0;
    case 'int16':
    case 'int32':
      return value as number;
    case 'int64':
      return (value as bigint).toString();
    case 'decimal':
      if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') throw new ValueProblem(`MySQL DECIMAL has no ${value}`);
      return value as string;
    case 'float32':
    case 'float64': {
      const n = value as number;
      if (!Number.isFinite(n)) throw new ValueProblem(`MySQL ${column.sqlType} has no ${n}`);
      return Object.is(n, -0) ? '-0' : String(n);
    }
    case 'bytes': {
      const b = value as Buffer;
      if (column.fixedBytes !== undefined && b.length !== column.fixedBytes) {
        throw new ValueProblem(`${b.length} bytes do not fit ${column.sqlType} exactly (MySQL would pad them to ${column.fixedBytes})`);
      }
      return b;
    }
    case 'date':
      return mysqlDate(value);
    case 'timestamp':
      return mysqlDateTime(value);
    case 'timestamptz': {
      if (typeof value === 'bigint' && (value < TIMESTAMP_MIN || value > TIMESTAMP_MAX)) {
        throw new ValueProblem('it is outside the TIMESTAMP range 1970-01-01 00:00:01 .. 2038-01-19 03:14:07.999999 UTC; use DATETIME(6)');
      }
      return mysqlDateTime(value);
    }
    case 'interval':
      return mysqlTime(value as IntervalValue);
    case 'time':
      return mysqlTime({ months: 0, days: 0, micros: value as bigint });
    case 'string':
    case 'enum':
    case 'json':
    case 'uuid':
      return value as string;
    case 'timetz':
    case 'array':
      return formatPgText(type, value);
  }
}

function ymd(days: number): string {
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999) throw new ValueProblem(`year ${y <= 0 ? `${1 - y} BC` : y} is outside MySQL's years 0..9999`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function mysqlDate(value: Value): string {
  if (typeof value !== 'number') throw new ValueProblem(`MySQL dates have no ${String(value)}`);
  return ymd(value);
}

function mysqlDateTime(value: Value): string {
  if (typeof value !== 'bigint') throw new ValueProblem(`MySQL DATETIME/TIMESTAMP have no ${String(value)}`);
  let days = value / MICROS_PER_DAY;
  let rem = value - days * MICROS_PER_DAY;
  if (rem < 0n) {
    days -= 1n;
    rem += MICROS_PER_DAY;
  }
  return `${ymd(Number(days))} ${hms(rem)}`;
}

function hms(micros: bigint): string {
  const f = micros % 1_000_000n;
  const total = micros / 1_000_000n;
  const s = total % 60n;
  const m = (total / 60n) % 60n;
  const h = total / 3600n;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(f).padStart(6, '0')}`;
}

function mysqlTime(v: IntervalValue): string {
  if (v.months !== 0 || v.days !== 0) throw new ValueProblem('MySQL TIME holds hours, minutes and seconds only; this interval has months or days');
  const neg = v.micros < 0n;
  const abs = neg ? -v.micros : v.micros;
  if (abs > TIME_LIMIT) throw new ValueProblem('it is outside MySQL TIME (-838:59:59.999999 .. 838:59:59.999999)');
  return `${neg ? '-' : ''}${hms(abs)}`;
}
