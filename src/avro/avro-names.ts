/**
 * A bijective encoding of arbitrary strings (column, table, schema, database and node names) onto Avro
 * names, which must match [A-Za-z_][A-Za-z0-9_]*.
 *
 * - A string that already is a valid Avro name and does not contain "__" is kept as it is ("order_id").
 * - Any other string becomes "__" followed by its UTF-8 bytes, where ASCII letters and digits stand for
 *   themselves and every other byte is "_" plus two upper-case hex digits ("order id" -> "__order_20id",
 *   "1st" -> "__1st", "a__b" -> "__a_5F_5Fb", "" -> "__", "é" -> "___C3_A9").
 *
 * Encoded names of the second form start with "__" and those of the first form never contain "__", so
 * the two forms cannot collide, and each form is invertible: decodeAvroName(encodeAvroName(s)) === s.
 * decodeAvroName accepts only what encodeAvroName produces, so the mapping is a bijection between
 * well-formed strings and its image. Strings with lone UTF-16 surrogates have no UTF-8 form and are
 * rejected.
 */
import { ErrorCodes, TandemError } from '../errors.js';

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPED_PREFIX = '__';
const UPPER_HEX = '0123456789ABCDEF';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `name` is a valid Avro name (one component, no dots). */
export function isValidAvroName(name: string): boolean {
  return AVRO_NAME.test(name);
}

/** The Avro name that stands for `name` (see the module comment). */
export function encodeAvroName(name: string): string {
  if (isValidAvroName(name) && !name.includes(ESCAPED_PREFIX)) return name;
  if (!isWellFormedUnicode(name)) {
    throw new TandemError(
      ErrorCodes.AVRO_SCHEMA,
      `The name ${JSON.stringify(name)} contains a lone UTF-16 surrogate and cannot be encoded as an Avro name.`,
    );
  }
  let out = ESCAPED_PREFIX;
  for (const byte of Buffer.from(name, 'utf8')) {
    out += isAsciiAlphanumeric(byte) ? String.fromCharCode(byte) : `_${UPPER_HEX[byte >> 4]}${UPPER_HEX[byte & 15]}`;
  }
  return out;
}

/** The original string an Avro name produced by encodeAvroName stands for. */
export function decodeAvroName(encoded: string): string {
  if (!isValidAvroName(encoded)) throw notAnEncodedName(encoded);
  if (!encoded.startsWith(ESCAPED_PREFIX)) {
    if (encoded.includes(ESCAPED_PREFIX)) throw notAnEncodedName(encoded);
    return encoded;
  }
  const bytes: number[] = [];
  for (let i = ESCAPED_PREFIX.length; i < encoded.length; ) {
    const code = encoded.charCodeAt(i);
    if (code !== 0x5f) {
      bytes.push(code);
      i += 1;
      continue;
    }
    const high = UPPER_HEX.indexOf(encoded.charAt(i + 1));
    const low = UPPER_HEX.indexOf(encoded.charAt(i + 2));
    if (high < 0 || low < 0) throw notAnEncodedName(encoded);
    bytes.push(high * 16 + low);
    i += 3;
  }
  let decoded: string;
  try {
    decoded = strictUtf8.decode(Uint8Array.from(bytes));
  } catch (cause) {
    throw notAnEncodedName(encoded, cause);
  }
  // Only the canonical spelling is accepted (e.g. not "__abc" for "abc", nor "_41" for "A").
  if (encodeAvroName(decoded) !== encoded) throw notAnEncodedName(encoded);
  return decoded;
}

function isAsciiAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

/** String.prototype.isWellFormed (ES2024) is missing from the ES2023 lib typings; Node 24 has it. */
export function isWellFormedUnicode(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function notAnEncodedName(encoded: string, cause?: unknown): TandemError {
  return new TandemError(
    ErrorCodes.AVRO_SCHEMA,
    `${JSON.stringify(encoded)} is not an Avro name produced by Tandem's name encoding.`,
    { cause },
  );
}
