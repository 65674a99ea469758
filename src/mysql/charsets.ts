import { ErrorCodes, TandemError } from '../errors.js';

/** Turns a column value's bytes (in the column's character set) into a string, exactly. */
export type TextDecoderFn = (buf: Buffer, start: number, end: number) => string;

/**
 * MySQL's latin1 is Windows-1252 with the five bytes Windows leaves undefined (0x81, 0x8D, 0x8F, 0x90,
 * 0x9D) mapped to the C1 controls of the same value — what MySQL itself converts them to in utf8mb4.
 */
const LATIN1_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

function decodeLatin1(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('latin1', start, end);
  let needsMap = false;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80 && b < 0xa0) {
      needsMap = true;
      break;
    }
  }
  if (!needsMap) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += code >= 0x80 && code < 0xa0 ? String.fromCharCode(LATIN1_HIGH[code - 0x80]!) : text[i];
  }
  return out;
}

const utf8: TextDecoderFn = (buf, start, end) => buf.toString('utf8', start, end);

function strictDecoder(label: string): TextDecoderFn {
  const decoder = new TextDecoder(label, { fatal: true });
  return (buf, start, end) => decoder.decode(buf.subarray(start, end));
}

function decodeUtf32(buf: Buffer, start: number, end: number): string {
  let out = '';
  for (let i = start; i + 4 <= end; i += 4) out += String.fromCodePoint(buf.readUInt32BE(i));
  return out;
}

/** Character sets whose bytes → Unicode mapping we know to be exactly MySQL's. */
const DECODERS: Record<string, () => TextDecoderFn> = {
  utf8mb4: () => utf8,
  utf8mb3: () => utf8,
  utf8: () => utf8,
  ascii: () => (buf, start, end) => buf.toString('latin1', start, end),
  latin1: () => decodeLatin1,
  ucs2: () => strictDecoder('utf-16be'),
  utf16: () => strictDecoder('utf-16be'),
  utf16le: () => strictDecoder('utf-16le'),
  utf32: () => decodeUtf32,
};

export function textDecoderFor(charset: string, where: string): TextDecoderFn {
  const make = DECODERS[charset.toLowerCase()];
  if (!make) {
    throw new TandemError(
      ErrorCodes.VALUE_UNSUPPORTED,
      `${where} uses character set ${charset}, which Tandem does not decode (it reads ${Object.keys(DECODERS).join(', ')}); convert the column, e.g. ALTER TABLE … MODIFY … CHARACTER SET utf8mb4`,
    );
  }
  return make();
}
