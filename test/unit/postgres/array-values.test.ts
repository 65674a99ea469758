import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import type { LogicalType, Value } from '../../../src/model/logical-type.js';
import { formatPgText, parsePgText } from '../../../src/postgres/text-values.js';

const arr = (element: LogicalType): LogicalType => ({ kind: 'array', element });
const TEXTS = arr({ kind: 'string' });
const INTS = arr({ kind: 'int32' });

function refused(type: LogicalType, text: string, code: string, mention: RegExp): void {
  let caught: unknown;
  try {
    parsePgText(type, text);
  } catch (e) {
    caught = e;
  }
  expect(isTandemError(caught), `expected ${JSON.stringify(text)} to be refused`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  expect((caught as Error).message).toMatch(mention);
}

function roundTrips(type: LogicalType, text: string, value: Value): void {
  expect(parsePgText(type, text)).toEqual(value);
  expect(parsePgText(type, formatPgText(type, value))).toEqual(value);
}

describe('array literals', () => {
  it('reads the empty array and NULLs', () => {
    roundTrips(INTS, '{}', []);
    roundTrips(INTS, '{1,2,NULL,-3}', [1, 2, null, -3]);
    roundTrips(INTS, '{NULL}', [null]);
    expect(parsePgText(INTS, '{ 1 , null ,Null}')).toEqual([1, null, null]);
  });

  it('reads every quoting and escaping form array_out produces', () => {
    // PostgreSQL 15: array['', 'NULL', null, 'a "q"', 'b\c', ' s ', '{x}', 'a,b']::text[]
    roundTrips(TEXTS, '{"","NULL",NULL,"a \\"q\\"","b\\\\c"," s ","{x}","a,b"}', ['', 'NULL', null, 'a "q"', 'b\\c', ' s ', '{x}', 'a,b']);
    roundTrips(TEXTS, '{"\\\\","\\"","\\"\\\\\\"",x}', ['\\', '"', '"\\"', 'x']);
    roundTrips(TEXTS, '{"null","Null",nul,NULLS}', ['null', 'Null', 'nul', 'NULLS']);
    roundTrips(TEXTS, '{"line\nbreak","tab\there",é,"日本 語",😀}', ['line\nbreak', 'tab\there', 'é', '日本 語', '😀']);
    expect(parsePgText(TEXTS, '{a\\,b,\\NULL,c\\ }')).toEqual(['a,b', 'NULL', 'c ']);
    expect(parsePgText(TEXTS, '{  "x" ,  y  }')).toEqual(['x', 'y']);
  });

  it('parses each element with the element type', () => {
    roundTrips(arr({ kind: 'int64' }), '{9223372036854775807,-9223372036854775808}', [9223372036854775807n, -9223372036854775808n]);
    roundTrips(arr({ kind: 'bytes' }), '{"\\\\x00ff",NULL,"\\\\x"}', [Buffer.from([0, 255]), null, Buffer.alloc(0)]);
    roundTrips(arr({ kind: 'timestamptz' }), '{"2024-02-29 12:34:56.5+00",infinity}', [1_709_210_096_500_000n, 'infinity']);
    roundTrips(arr({ kind: 'date' }), '{"0044-03-15 BC",2024-02-29}', [-735160, 19782]);
    roundTrips(arr({ kind: 'interval' }), '{P1D,"-1 days +00:00:01"}', [
      { months: 0, days: 1, micros: 0n },
      { months: 0, days: -1, micros: 1_000_000n },
    ]);
    roundTrips(arr({ kind: 'json', binary: true }), '{"{\\"a\\": [1, \\"x\\"]}",null}', ['{"a": [1, "x"]}', null]);
    roundTrips(arr({ kind: 'float32' }), '{NaN,-0,1.1754944e-38}', [NaN, -0, 2 ** -126]);
    roundTrips(arr({ kind: 'decimal' }), '{1.50,NaN,-Infinity}', ['1.50', 'NaN', '-Infinity']);
    roundTrips(arr({ kind: 'boolean' }), '{t,f,NULL}', [true, false, null]);
  });

  it('formats every element quoted, which PostgreSQL accepts for all types', () => {
    expect(formatPgText(TEXTS, ['a "q"', 'b\\c', null, ''])).toBe('{"a \\"q\\"","b\\\\c",NULL,""}');
    expect(formatPgText(INTS, [])).toBe('{}');
    expect(formatPgText(arr({ kind: 'bytes' }), [Buffer.from([1])])).toBe('{"\\\\x01"}');
  });

  it('refuses multi-dimensional arrays and explicit bounds with VALUE_UNSUPPORTED', () => {
    refused(INTS, '{{1,2},{3,4}}', 'TANDEM_VALUE_UNSUPPORTED', /multi-dimensional/);
    refused(INTS, '[0:2]={1,2,3}', 'TANDEM_VALUE_UNSUPPORTED', /explicit bounds \[0:2\]/);
    refused(INTS, '[1:2][1:1]={{1},{2}}', 'TANDEM_VALUE_UNSUPPORTED', /explicit bounds/);
    expect(() => formatPgText(INTS, [[1]] as unknown as Value)).toThrow(/one-dimensional/);
  });

  it('refuses malformed literals naming the type and the text', () => {
    for (const bad of ['', '{', '}', '{1,2', '{1,,2}', '{1,}', '{"a}', '{a"b}', '{1}x', '1,2', '{"a"b}', '{,}']) {
      refused(TEXTS, bad, 'TANDEM_PG_PROTOCOL', /string\[\]/);
    }
    refused(INTS, '{1,x}', 'TANDEM_PG_PROTOCOL', /int32/);
  });
});
