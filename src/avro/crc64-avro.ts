/**
 * CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro specification defines for schema fingerprints
 * ("Schema Fingerprints" in the spec). The value is computed over the UTF-8 bytes of a schema's
 * Parsing Canonical Form. Fingerprinting happens once per schema, so plain bigint arithmetic is fine.
 */

/** The fingerprint of the empty byte string, and the polynomial seed of the algorithm. */
export const CRC64_AVRO_EMPTY = 0xc15d213aa4d7a795n;

const MASK_64 = 0xffffffffffffffffn;

const FINGERPRINT_TABLE: readonly bigint[] = buildTable();

function buildTable(): bigint[] {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) {
      fp = (fp >> 1n) ^ (CRC64_AVRO_EMPTY & -(fp & 1n) & MASK_64);
    }
    table.push(fp);
  }
  return table;
}

/** CRC-64-AVRO of `data` (a string is taken as its UTF-8 bytes), as an unsigned 64-bit bigint. */
export function crc64Avro(data: Uint8Array | string): bigint {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fp = CRC64_AVRO_EMPTY;
  for (const byte of bytes) {
    const index = Number((fp ^ BigInt(byte)) & 0xffn);
    fp = (fp >> 8n) ^ (FINGERPRINT_TABLE[index] as bigint);
  }
  return fp;
}

/** A 64-bit fingerprint as 16 lower-case hex digits, most significant first ("c15d213aa4d7a795"). */
export function fingerprintToHex(fingerprint: bigint): string {
  return BigInt.asUintN(64, fingerprint).toString(16).padStart(16, '0');
}
