/**
 * The avsc `long` used by every Tandem schema: values are JS bigint, so no int64 ever passes through a
 * JS number (avsc's default long is a number and refuses values beyond 2^53).
 *
 * Wire format (Avro long): the value zig-zag mapped ((n << 1) ^ (n >> 63)) and written as a little-endian
 * base-128 varint, 1 to 10 bytes. avsc is told not to unpack longs (`noUnpack`), so `toBuffer` writes
 * and `fromBuffer` reads these varint bytes directly. Values within ±2^52 take a number fast path.
 */
import avsc from 'avsc';
import type { Type } from 'avsc';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const FAST_LIMIT = 2n ** 52n;
/**
 * Reused output: avsc copies the returned bytes into its own buffer straight away, so the varint is
 * written into one scratch buffer and returned as one of ten fixed views of it (no allocation per long).
 */
const scratch = Buffer.alloc(10);
const scratchViews: readonly Buffer[] = Array.from({ length: 11 }, (_, length) => scratch.subarray(0, length));

function isInt64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX;
}

/** Zig-zag varint bytes of a signed 64-bit integer (a view of a shared scratch buffer). */
export function writeLongVarint(value: bigint): Buffer {
  let length = 0;
  if (value > -FAST_LIMIT && value < FAST_LIMIT) {
    const n = Number(value);
    let zigzag = n >= 0 ? n * 2 : -n * 2 - 1; // < 2^53: exact
    while (zigzag > 0x7fffffff) {
      scratch[length++] = (zigzag & 0x7f) | 0x80; // & keeps the low 32 bits, so the low 7 are right
      zigzag = Math.floor(zigzag / 0x80);
    }
    while (zigzag >= 0x80) {
      scratch[length++] = (zigzag & 0x7f) | 0x80;
      zigzag >>>= 7;
    }
    scratch[length++] = zigzag;
  } else {
    let zigzag = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    while (zigzag >= 0x80n) {
      scratch[length++] = Number(zigzag & 0x7fn) | 0x80;
      zigzag >>= 7n;
    }
    scratch[length++] = Number(zigzag);
  }
  return scratchViews[length] as Buffer;
}

/** The signed 64-bit integer a zig-zag varint (exactly the varint's bytes) stands for. */
export function readLongVarint(bytes: Buffer): bigint {
  const length = bytes.length;
  if (length === 0 || length > 10) throw new Error(`invalid long varint of ${length} bytes`);
  if (length <= 7) {
    // At most 49 bits: exact in a double.
    let zigzag = 0;
    let multiplier = 1;
    for (let i = 0; i < length; i++) {
      zigzag += ((bytes[i] as number) & 0x7f) * multiplier;
      multiplier *= 0x80;
    }
    return BigInt(zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
  }
  let zigzag = 0n;
  for (let i = length - 1; i >= 0; i--) {
    zigzag = (zigzag << 7n) | BigInt((bytes[i] as number) & 0x7f);
  }
  zigzag = BigInt.asUintN(64, zigzag);
  return (zigzag >> 1n) ^ -(zigzag & 1n);
}

function fromJson(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  throw new Error(`cannot read ${String(value)} as a long`);
}

/** The avsc type instance standing for Avro `long` in all Tandem schemas. */
export const bigintLongType: Type = avsc.types.LongType.__with(
  {
    fromBuffer: readLongVarint,
    toBuffer: writeLongVarint,
    fromJSON: fromJson,
    toJSON: (value: bigint): number | string =>
      value >= -FAST_LIMIT && value <= FAST_LIMIT ? Number(value) : value.toString(),
    isValid: isInt64,
    compare: (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0),
  },
  true,
);

/** avsc `typeHook` that makes every `long` (plain or under a logical type) the bigint long. */
export function bigintLongHook(schema: unknown): Type | undefined {
  if (schema === 'long') return bigintLongType;
  if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long') {
    return bigintLongType;
  }
  return undefined;
}
