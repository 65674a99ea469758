/**
 * Avro single-object encoding (Avro specification, "Single-object encoding"):
 *
 *   byte 0-1   C3 01                 marker and format version
 *   byte 2-9   fingerprint           CRC-64-AVRO of the writer schema's canonical form, little-endian
 *   byte 10-   body                  the Avro binary encoding of the value
 */
import { ErrorCodes, TandemError } from '../errors.js';
import { fingerprintToHex } from './crc64-avro.js';

export const SINGLE_OBJECT_MAGIC = Buffer.from([0xc3, 0x01]);
export const SINGLE_OBJECT_HEADER_LENGTH = 10;

export function encodeSingleObjectHeader(fingerprint: bigint): Buffer {
  const header = Buffer.alloc(SINGLE_OBJECT_HEADER_LENGTH);
  SINGLE_OBJECT_MAGIC.copy(header, 0);
  header.writeBigUInt64LE(BigInt.asUintN(64, fingerprint), 2);
  return header;
}

export interface SingleObjectHeader {
  fingerprint: bigint;
  /** 16 lower-case hex digits, most significant first (the fingerprint's value, not its byte order). */
  fingerprintHex: string;
  /** The Avro body (a view of the input, not a copy). */
  body: Buffer;
}

export function parseSingleObjectHeader(buf: Buffer): SingleObjectHeader {
  if (buf.length < SINGLE_OBJECT_HEADER_LENGTH || buf[0] !== 0xc3 || buf[1] !== 0x01) {
    const start = buf.subarray(0, 2).toString('hex') || '(empty)';
    throw new TandemError(
      ErrorCodes.AVRO_DECODE,
      `Not an Avro single-object encoded message: it must start with c3 01 and an 8-byte schema fingerprint, ` +
        `got ${buf.length} bytes starting with ${start}. Is the topic written by Tandem?`,
    );
  }
  const fingerprint = buf.readBigUInt64LE(2);
  return {
    fingerprint,
    fingerprintHex: fingerprintToHex(fingerprint),
    body: buf.subarray(SINGLE_OBJECT_HEADER_LENGTH),
  };
}
