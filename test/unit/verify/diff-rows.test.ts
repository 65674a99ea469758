import { describe, expect, it } from 'vitest';
import { diffRows } from '../../../src/verify/diff-rows.js';
import { hashRows } from '../../../src/verify/range-hash.js';

describe('verify range hash and row diff', () => {
  it('hashes equal rows equally and keeps NULL distinct from the empty string', () => {
    expect(hashRows([['1', 'a']])).toBe(hashRows([['1', 'a']]));
    expect(hashRows([['1', null]])).not.toBe(hashRows([['1', '']]));
    expect(hashRows([['1', 'ab', 'c']])).not.toBe(hashRows([['1', 'a', 'bc']]));
  });

  it('names rows only on one side and rows whose values differ', () => {
    const a = [
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z'],
    ];
    const b = [
      ['1', 'x'],
      ['3', 'Z'],
      ['4', 'w'],
    ];
    expect(diffRows(a, b, 1)).toEqual([
      { key: ['2'], a: ['2', 'y'], b: undefined },
      { key: ['3'], a: ['3', 'z'], b: ['3', 'Z'] },
      { key: ['4'], a: undefined, b: ['4', 'w'] },
    ]);
  });

  it('matches composite keys on every key column', () => {
    const a = [['1', '1', 'v'], ['1', '2', 'v']];
    const b = [['1', '1', 'v'], ['2', '1', 'v']];
    expect(diffRows(a, b, 2).map((d) => d.key)).toEqual([['1', '2'], ['2', '1']]);
  });
});
