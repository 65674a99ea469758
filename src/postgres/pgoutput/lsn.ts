import { ErrorCodes, TandemError } from '../../errors.js';

/**
 * A PostgreSQL WAL position. Kept as a bigint (64-bit, comparable with < and >), written as
 * PostgreSQL does: two hexadecimal halves, "16/B374D848".
 */
export type Lsn = bigint;

export const ZERO_LSN: Lsn = 0n;

export function parseLsn(text: string): Lsn {
  const slash = text.indexOf('/');
  const high = text.slice(0, slash);
  const low = text.slice(slash + 1);
  if (slash <= 0 || !/^[0-9A-Fa-f]{1,8}$/.test(high) || !/^[0-9A-Fa-f]{1,8}$/.test(low)) {
    throw new TandemError(ErrorCodes.PG_PROTOCOL, `"${text}" is not a PostgreSQL LSN (expected hex "X/Y", e.g. "16/B374D848")`);
  }
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
