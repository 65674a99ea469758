/*
 * Binlog encodings of MySQL's temporal types. Each decoder returns the broken-down fields; values.ts
 * turns them into the engine-neutral representation (or applies the zero-date treatment).
 *
 *   DATE (10)        3 bytes LE: day = v & 31, month = (v >> 5) & 15, year = v >> 9
 *   DATETIME2 (18)   5 bytes BE, minus 0x8000000000: ymd(17 bits: year*13+month, 5 bits day) hms(17 bits) |
 *                    then fraction: fsp 1-2: 1 byte (×10000), 3-4: 2 bytes BE (×100), 5-6: 3 bytes BE (µs)
 *   TIMESTAMP2 (17)  4 bytes BE seconds since the epoch | fraction as DATETIME2 (0 = the zero timestamp)
 *   TIME2 (19)       3 bytes BE minus 0x800000 (sign, 1 spare bit, 10 bits hour, 6 minute, 6 second) |
 *                    fraction; fsp 5-6: the whole value is 6 bytes BE minus 0x800000000000. A negative
 *                    value with a fraction borrows one second (see timePackedFromBinary below).
 *   DATETIME (12)    8 bytes LE integer YYYYMMDDhhmmss (pre-5.6 format, no fraction)
 *   TIMESTAMP (7)    4 bytes LE seconds since the epoch (pre-5.6 format)
 *   TIME (11)        3 bytes LE signed integer ±HHMMSS (pre-5.6 format)
 *   YEAR (13)        1 byte: 0 = 0000, else 1900 + v
 */

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

export interface DateTimeParts extends DateParts {
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

export function fractionBytes(fsp: number): number {
  return (fsp + 1) >> 1;
}

/** Reads the fraction that follows DATETIME2 / TIMESTAMP2, in microseconds. */
export function readFractionMicros(buf: Buffer, pos: number, fsp: number): number {
  switch (fractionBytes(fsp)) {
    case 0:
      return 0;
    case 1:
      return buf[pos]! * 10_000;
    case 2:
      return buf.readUInt16BE(pos) * 100;
    default:
      return buf.readUIntBE(pos, 3);
  }
}

export function decodeDate(v: number): DateParts {
  return { day: v & 31, month: (v >> 5) & 15, year: v >>> 9 };
}

export function decodeDatetime2(buf: Buffer, pos: number, fsp: number): DateTimeParts {
  const intpart = buf.readUIntBE(pos, 5) - 0x8000000000;
  const ymdhms = intpart;
  const ymd = Math.floor(ymdhms / 131072); // >> 17
  const hms = ymdhms % 131072;
  const ym = Math.floor(ymd / 32);
  return {
    year: Math.floor(ym / 13),
    month: ym % 13,
    day: ymd % 32,
    hour: Math.floor(hms / 4096),
    minute: Math.floor(hms / 64) % 64,
    second: hms % 64,
    micros: readFractionMicros(buf, pos + 5, fsp),
  };
}

export function decodeDatetimeV1(v: number): DateTimeParts {
  const date = Math.floor(v / 1_000_000);
  const time = v % 1_000_000;
  return {
    year: Math.floor(date / 10_000),
    month: Math.floor(date / 100) % 100,
    day: date % 100,
    hour: Math.floor(time / 10_000),
    minute: Math.floor(time / 100) % 100,
    second: time % 100,
    micros: 0,
  };
}

/** Signed microseconds of a TIME2 value (MySQL my_time_packed_from_binary, then unpacked). */
export function decodeTime2Micros(buf: Buffer, pos: number, fsp: number): bigint {
  let packed: number;
  switch (fractionBytes(fsp)) {
    case 0:
      packed = (buf.readUIntBE(pos, 3) - 0x800000) * 0x1000000;
      break;
    case 1: {
      let intpart = buf.readUIntBE(pos, 3) - 0x800000;
      let frac = buf[pos + 3]!;
      if (intpart < 0 && frac !== 0) {
        intpart++;
        frac -= 0x100;
      }
      packed = intpart * 0x1000000 + frac * 10_000;
      break;
    }
    case 2: {
      let intpart = buf.readUIntBE(pos, 3) - 0x800000;
      let frac = buf.readUInt16BE(pos + 3);
      if (intpart < 0 && frac !== 0) {
        intpart++;
        frac -= 0x10000;
      }
      packed = intpart * 0x1000000 + frac * 100;
      break;
    }
    default:
      packed = buf.readUIntBE(pos, 6) - 0x800000000000;
      break;
  }
  const negative = packed < 0;
  const abs = Math.abs(packed);
  const hms = Math.floor(abs / 0x1000000);
  const frac = abs % 0x1000000;
  const hour = Math.floor(hms / 4096) % 1024;
  const minute = Math.floor(hms / 64) % 64;
  const second = hms % 64;
  const micros = BigInt((hour * 3600 + minute * 60 + second) * 1_000_000 + frac);
  return negative ? -micros : micros;
}

/** Signed microseconds of a pre-5.6 TIME value (±HHMMSS as an integer). */
export function decodeTimeV1Micros(v: number): bigint {
  const abs = Math.abs(v);
  const seconds = Math.floor(abs / 10_000) * 3600 + (Math.floor(abs / 100) % 100) * 60 + (abs % 100);
  const micros = BigInt(seconds) * 1_000_000n;
  return v < 0 ? -micros : micros;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (year 0 = 1 BC). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A date with a zero month or day has no calendar value (MySQL's zero dates and "zero-in-date"). */
export function isZeroInDate(d: DateParts): boolean {
  return d.month === 0 || d.day === 0;
}

export function dateTimeMicros(d: DateTimeParts): bigint {
  const days = daysFromCivil(d.year, d.month, d.day);
  return BigInt(days) * 86_400_000_000n + BigInt((d.hour * 3600 + d.minute * 60 + d.second) * 1_000_000 + d.micros);
}
