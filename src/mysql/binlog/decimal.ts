/*
 * MySQL binary DECIMAL (decimal2bin), as in rows events and the TABLE_MAP's NEWDECIMAL(precision, scale):
 *
 *   integer digits  = precision - scale, stored as a leading group of (intg % 9) digits in
 *                     DIG2BYTES[intg % 9] bytes, then intg / 9 groups of 9 digits in 4 bytes each;
 *   fraction digits = scale, stored as scale / 9 groups of 9 digits in 4 bytes each, then a trailing
 *                     group of (scale % 9) digits in DIG2BYTES[scale % 9] bytes.
 * Every group is big-endian. The top bit of the first byte is the sign, inverted (1 = positive), and a
 * negative number has every byte inverted.
 */
const DIG2BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4] as const;

export function decimalBinarySize(precision: number, scale: number): number {
  const intg = precision - scale;
  return Math.floor(intg / 9) * 4 + DIG2BYTES[intg % 9]! + Math.floor(scale / 9) * 4 + DIG2BYTES[scale % 9]!;
}

/** The canonical text ("-12.340", "0", "0.00") of the decimal at buf[pos…]; exactly `scale` fraction digits. */
export function decodeBinaryDecimal(buf: Buffer, pos: number, precision: number, scale: number): string {
  const intg = precision - scale;
  const negative = (buf[pos]! & 0x80) === 0;
  const mask = negative ? 0xff : 0;
  let p = pos;
  let intText = '';
  const leadBytes = DIG2BYTES[intg % 9]!;
  if (leadBytes > 0) {
    intText += String(readGroup(buf, p, leadBytes, mask, p === pos));
    p += leadBytes;
  }
  for (let i = 0; i < Math.floor(intg / 9); i++, p += 4) intText += String(readGroup(buf, p, 4, mask, p === pos)).padStart(9, '0');
  let fracText = '';
  for (let i = 0; i < Math.floor(scale / 9); i++, p += 4) fracText += String(readGroup(buf, p, 4, mask, p === pos)).padStart(9, '0');
  const tailDigits = scale % 9;
  if (tailDigits > 0) fracText += String(readGroup(buf, p, DIG2BYTES[tailDigits]!, mask, p === pos)).padStart(tailDigits, '0');
  let start = 0;
  while (start < intText.length - 1 && intText.charCodeAt(start) === 48) start++;
  intText = intText.length === 0 ? '0' : intText.slice(start);
  let isZero = intText === '0';
  for (let i = 0; isZero && i < fracText.length; i++) if (fracText.charCodeAt(i) !== 48) isZero = false;
  const sign = negative && !isZero ? '-' : '';
  return scale > 0 ? `${sign}${intText}.${fracText}` : `${sign}${intText}`;
}

/** One big-endian digit group; the very first byte of the number has its sign bit flipped. */
function readGroup(buf: Buffer, at: number, bytes: number, mask: number, first: boolean): number {
  let v = 0;
  for (let i = 0; i < bytes; i++) {
    let b = buf[at + i]!;
    if (first && i === 0) b ^= 0x80;
    v = v * 256 + (b ^ mask);
  }
  return v;
}
