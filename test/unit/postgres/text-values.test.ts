import { describe, expect, it } from 'vitest';
import { isTandemError } from '../../../src/errors.js';
import type { LogicalType, Value } from '../../../src/model/logical-type.js';
import { formatPgText, parsePgText } from '../../../src/postgres/text-values.js';

function fails(type: LogicalType, text: string): void {
  let caught: unknown;
  try {
    parsePgText(type, text);
  } catch (e) {
    caught = e;
  }
  expect(isTandemError(caught, 'TANDEM_PG_PROTOCOL'), `expected ${JSON.stringify(text)} to be refused`).toBe(true);
}

describe('textual kinds', () => {
  it('keeps strings, enums and json byte for byte', () => {
    const types: LogicalType[] = [
      { kind: 'string' },
      { kind: 'string', maxLength: 5, fixed: true },
      { kind: 'enum', typeName: 'public.mood', labels: ['sad', 'ok'] },
      { kind: 'json' },
      { kind: 'json', binary: true },
    ];
    for (const type of types) {
      for (const text of ['', ' padded  ', 'NULL', '{"a": 1,  "b":[ ]}', 'line\nbreak\t\\', '日本語 😀', '\\351']) {
        expect(parsePgText(type, text)).toBe(text);
        expect(formatPgText(type, text)).toBe(text);
      }
    }
  });

  it('reads lower-case uuids only', () => {
    const u: LogicalType = { kind: 'uuid' };
    expect(parsePgText(u, '0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a')).toBe('0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a');
    expect(parsePgText(u, '00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000');
    for (const bad of ['0B6C3A1E-5F0E-4D5C-9A57-1C8E0F2B7D3A', '0b6c3a1e5f0e4d5c9a571c8e0f2b7d3a', '{0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3a}', '0b6c3a1e-5f0e-4d5c-9a57-1c8e0f2b7d3g', '']) {
      fails(u, bad);
    }
  });

  it('reads hex bytea', () => {
    const b: LogicalType = { kind: 'bytes' };
    expect(parsePgText(b, '\\x')).toEqual(Buffer.alloc(0));
    expect(parsePgText(b, '\\x00ff7f80')).toEqual(Buffer.from([0, 255, 127, 128]));
    expect(parsePgText(b, '\\xDEADbeef')).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(formatPgText(b, Buffer.from([0, 255]))).toBe('\\x00ff');
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(parsePgText(b, formatPgText(b, all))).toEqual(all);
    for (const bad of ['', '\\x0', '\\x0g', '\\xzz', '\\000', 'abc', 'x00']) fails(b, bad);
  });

  it('refuses JS values of the wrong shape when formatting', () => {
    const cases: Array<[LogicalType, unknown]> = [
      [{ kind: 'boolean' }, 't'],
      [{ kind: 'int32' }, 1.5],
      [{ kind: 'int64' }, 1],
      [{ kind: 'decimal' }, '1e5'],
      [{ kind: 'bytes' }, 'x'],
      [{ kind: 'date' }, 1.5],
      [{ kind: 'time' }, 86_400_000_001n],
      [{ kind: 'timetz' }, { micros: 0n }],
      [{ kind: 'timestamp' }, 1],
      [{ kind: 'interval' }, { months: 0, days: 0, micros: 0 }],
      [{ kind: 'array', element: { kind: 'int32' } }, 1],
    ];
    for (const [type, value] of cases) {
      expect(() => formatPgText(type, value as Value), `${type.kind} ${String(value)}`).toThrow(/Cannot format/);
    }
  });
});
