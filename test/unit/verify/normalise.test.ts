import { describe, expect, it } from 'vitest';
import {
  canonicalBoolean,
  canonicalBytes,
  canonicalDecimal,
  canonicalFloat32,
  canonicalFloat64,
  canonicalJson,
  canonicalTime,
  canonicalTimestamp,
  pairNormaliser,
} from '../../../src/verify/normalise.js';

describe('verify value normaliser', () => {
  it('writes decimals without scale padding, leading zeros or negative zero', () => {
    expect(canonicalDecimal('12.50')).toBe('12.5');
    expect(canonicalDecimal('12.5')).toBe('12.5');
    expect(canonicalDecimal('-0012.000')).toBe('-12');
    expect(canonicalDecimal('-0.00')).toBe('0');
    expect(canonicalDecimal('+0.10')).toBe('0.1');
    expect(canonicalDecimal('42')).toBe('42');
    expect(canonicalDecimal('NaN')).toBe('NaN');
  });

  it('compares floats by value: shortest text of the double or float32', () => {
    expect(canonicalFloat64('0.1')).toBe(canonicalFloat64('0.10000000000000001'));
    expect(canonicalFloat64('1e+20')).toBe(canonicalFloat64('100000000000000000000'));
    expect(canonicalFloat64('-0')).toBe('-0');
    expect(canonicalFloat64('Infinity')).toBe(canonicalFloat64('inf'));
    expect(canonicalFloat32('1.1')).toBe(canonicalFloat32('1.10000002384186'));
  });

  it('maps PostgreSQL t/f and MySQL 1/0 to the same text', () => {
    expect(canonicalBoolean('t')).toBe(canonicalBoolean('1'));
    expect(canonicalBoolean('f')).toBe(canonicalBoolean('0'));
    expect(canonicalBoolean('t')).not.toBe(canonicalBoolean('f'));
  });

  it('writes timestamps with six fraction digits in UTC', () => {
    expect(canonicalTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02 03:04:05.000000');
    expect(canonicalTimestamp('2024-01-02 03:04:05.5+00')).toBe('2024-01-02 03:04:05.500000');
    expect(canonicalTimestamp('2024-01-02T03:04:05.123456Z')).toBe('2024-01-02 03:04:05.123456');
    expect(canonicalTimestamp('2024-01-02 05:04:05.000001+02:00')).toBe('2024-01-02 03:04:05.000001');
    expect(canonicalTimestamp('2024-01-02 00:30:00-01')).toBe('2024-01-02 01:30:00.000000');
    expect(canonicalTime('10:11:12.3')).toBe('10:11:12.300000');
  });

  it('canonicalises json key order and whitespace, and keeps non-JSON text', () => {
    expect(canonicalJson('{"b": 1, "a": [1, {"d": null, "c": "é"}]}')).toBe('{"a":[1,{"c":"é","d":null}],"b":1}');
    expect(canonicalJson('{"a":1,"b":1}')).toBe(canonicalJson('{ "b" : 1 , "a" : 1 }'));
    expect(canonicalJson('not json')).toBe('not json');
  });

  it('writes bytes as lower-case hex from bytea text or MySQL HEX()', () => {
    expect(canonicalBytes('\\x00ff10')).toBe('00ff10');
    expect(canonicalBytes('00FF10')).toBe('00ff10');
  });

  it('pairs column types so that both sides normalise alike', () => {
    const n = pairNormaliser({ kind: 'boolean' }, { kind: 'int16' });
    expect(n('t')).toBe(n('1'));
    const j = pairNormaliser({ kind: 'json', binary: true }, { kind: 'string' });
    expect(j('{"a": 1}')).toBe(j('{"a":1}'));
    const d = pairNormaliser({ kind: 'decimal', precision: 12, scale: 2 }, { kind: 'decimal', precision: 12, scale: 2 });
    expect(d('1.50')).toBe(d('1.5'));
    expect([d('1.5'), d('-0.00'), d('7'), d('NaN')]).toEqual(['1.50', '0.00', '7.00', 'NaN']);
    expect([d('12.30'), d('-0.05'), d('0.00'), d('00.10'), d('-12.30'), d('1.234')]).toEqual(['12.30', '-0.05', '0.00', '0.10', '-12.30', '1.234']);
    const unconstrained = pairNormaliser({ kind: 'decimal' }, { kind: 'decimal', precision: 12, scale: 2 });
    expect(unconstrained('1.50')).toBe('1.5');
  });
});
