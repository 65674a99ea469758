/**
 * Decimal text <-> unscaled integer, and the two's-complement bytes Avro's decimal logical type uses.
 *
 * Decimal text is the in-memory form of decimal values: an optional "-", digits, and optionally "."
 * and more digits ("-12.3400"); no exponent, no "+". The number of fractional digits is the text's
 * scale, and the digits without the point are the unscaled integer.
 */

const DECIMAL_TEXT = /^-?[0-9]+(?:\.[0-9]+)?$/;

export interface ScaledDecimal {
  /** The decimal's digits without the point, signed. */
  unscaled: bigint;
  /** How many of those digits follow the point. */
  scale: number;
}

/** Parses decimal text; undefined when the text is not decimal text. */
export function parseDecimalText(text: string): ScaledDecimal | undefined {
  if (!DECIMAL_TEXT.test(text)) return undefined;
  const point = text.indexOf('.');
  if (point < 0) return { unscaled: BigInt(text), scale: 0 };
  return {
    unscaled: BigInt(text.slice(0, point) + text.slice(point + 1)),
    scale: text.length - point - 1,
  };
}

/** Canonical decimal text of unscaled × 10^-scale (scale ≥ 0), with exactly `scale` fractional digits. */
export function formatDecimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/**
 * Big-endian two's-complement bytes of `n` in the fewest bytes that hold it (0 -> 00, 127 -> 7f,
 * 128 -> 00 80, -1 -> ff, -128 -> 80, -129 -> ff 7f): Avro decimal's unscaled-value encoding.
 */
export function bigintToTwosComplement(n: bigint): Buffer {
  if (n > -SMALL_LIMIT && n < SMALL_LIMIT) return smallToTwosComplement(Number(n));
  const magnitude = n >= 0n ? n : -n - 1n;
  const bitLength = magnitude === 0n ? 0 : magnitude.toString(2).length;
  const byteLength = Math.floor(bitLength / 8) + 1;
  const unsigned = n >= 0n ? n : (1n << BigInt(byteLength * 8)) + n;
  return Buffer.from(unsigned.toString(16).padStart(byteLength * 2, '0'), 'hex');
}

const SMALL_LIMIT = 2n ** 47n;

/** bigintToTwosComplement for |n| < 2^47, in number arithmetic (exact below 2^53). */
function smallToTwosComplement(n: number): Buffer {
  let byteLength = 1;
  for (let bound = 128; n >= bound || n < -bound; bound *= 256) byteLength++;
  const out = Buffer.allocUnsafe(byteLength);
  let rest = n < 0 ? 256 ** byteLength + n : n;
  for (let i = byteLength - 1; i >= 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** The integer big-endian two's-complement `bytes` stand for; empty bytes are not an integer. */
export function twosComplementToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new Error('an Avro decimal needs at least one byte');
  const unsigned = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}`);
  return ((bytes[0] as number) & 0x80) === 0 ? unsigned : unsigned - (1n << BigInt(bytes.length * 8));
}
