import { describe, expect, it } from 'vitest';
import { displayValue } from '../../../src/demo/display.js';

describe('displayValue', () => {
  it('shows timestamps in ISO 8601 with microseconds, before and after 1970', () => {
    expect(displayValue({ kind: 'timestamptz' }, 1_700_000_000_123_456n)).toBe('2023-11-14T22:13:20.123456Z');
    expect(displayValue({ kind: 'timestamp' }, -1n)).toBe('1969-12-31T23:59:59.999999');
  });
  it('shows other values plainly', () => {
    expect(displayValue({ kind: 'int64' }, 9007199254740993n)).toBe('9007199254740993');
    expect(displayValue({ kind: 'decimal' }, '12.50')).toBe('"12.50"');
    expect(displayValue({ kind: 'string' }, null)).toBe('null');
  });
});
