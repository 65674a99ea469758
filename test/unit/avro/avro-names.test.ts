import { describe, expect, it } from 'vitest';
import { ErrorCodes, isTandemError } from '../../../src/errors.js';
import { decodeAvroName, encodeAvroName, isValidAvroName } from '../../../src/avro/index.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['_', '__', 'a', 'Z', '0', '9', ' ', '.', '-', '"', "'", '\u0000', 'é', 'ß', '名', '😀', '\u{10FFFF}', 'select'];

function randomName(random: () => number): string {
  const length = Math.floor(random() * 10);
  let out = '';
  for (let i = 0; i < length; i++) {
    const pick = random();
    if (pick < 0.5) {
      out += PIECES[Math.floor(random() * PIECES.length)];
    } else {
      // Any Unicode scalar value (no surrogates).
      let cp = Math.floor(random() * 0x10ffff);
      if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800;
      out += String.fromCodePoint(cp);
    }
  }
  return out;
}

describe('Avro name encoding', () => {
  it.each([
    ['order_id', 'order_id'],
    ['_x', '_x'],
    ['Row', 'Row'],
    ['select', 'select'],
    ['order id', '__order_20id'],
    ['1st', '__1st'],
    ['a__b', '__a_5F_5Fb'],
    ['__', '___5F_5F'],
    ['', '__'],
    ['é', '___C3_A9'],
    ['naïve "col"', '__na_C3_AFve_20_22col_22'],
    ['😀', '___F0_9F_98_80'],
    ['a\u0000b', '__a_00b'],
  ])('encodes %j as %s', (name, encoded) => {
    expect(encodeAvroName(name)).toBe(encoded);
    expect(decodeAvroName(encoded)).toBe(name);
  });

  it('is a bijection on random Unicode strings and always yields valid Avro names', () => {
    const random = prng(20240601);
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const name = randomName(random);
      const encoded = encodeAvroName(name);
      expect(isValidAvroName(encoded), `${JSON.stringify(name)} -> ${encoded}`).toBe(true);
      expect(decodeAvroName(encoded)).toBe(name);
      const previous = seen.get(encoded);
      if (previous !== undefined) expect(previous).toBe(name);
      seen.set(encoded, name);
    }
  });

  it('accepts only the names it produces when decoding', () => {
    for (const notProduced of ['__abc', '__a_5f', '___41', '__a_2', '__a_ZZ', 'a__b', '1a', 'a.b', '___FF', '']) {
      let error: unknown;
      try {
        decodeAvroName(notProduced);
      } catch (e) {
        error = e;
      }
      expect(isTandemError(error, ErrorCodes.AVRO_SCHEMA), notProduced).toBe(true);
    }
  });

  it('rejects strings with lone surrogates (they have no UTF-8 form)', () => {
    let error: unknown;
    try {
      encodeAvroName('a\uD800b');
    } catch (e) {
      error = e;
    }
    expect(isTandemError(error, ErrorCodes.AVRO_SCHEMA)).toBe(true);
  });
});
