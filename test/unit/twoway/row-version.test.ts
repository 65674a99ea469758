import { describe, expect, it } from 'vitest';
import { compareVersions, NO_VERSION, sameVersion, showVersion } from '../../../src/twoway/row-version.js';

describe('row versions', () => {
  it('compares by timestamp first', () => {
    expect(compareVersions({ ts: 10n, rank: 9 }, { ts: 11n, rank: 1 })).toBeLessThan(0);
    expect(compareVersions({ ts: 11n, rank: 1 }, { ts: 10n, rank: 9 })).toBeGreaterThan(0);
  });

  it('compares by rank when the timestamps are equal', () => {
    expect(compareVersions({ ts: 10n, rank: 1 }, { ts: 10n, rank: 2 })).toBeLessThan(0);
    expect(compareVersions({ ts: 10n, rank: 2 }, { ts: 10n, rank: 1 })).toBeGreaterThan(0);
    expect(compareVersions({ ts: 10n, rank: 2 }, { ts: 10n, rank: 2 })).toBe(0);
  });

  it('compares timestamps beyond 2^53 exactly', () => {
    const big = 2n ** 60n;
    expect(compareVersions({ ts: big + 1n, rank: 0 }, { ts: big, rank: 5 })).toBeGreaterThan(0);
    expect(compareVersions({ ts: big, rank: 5 }, { ts: big + 1n, rank: 0 })).toBeLessThan(0);
  });

  it('is antisymmetric, and NO_VERSION is older than any stamped version', () => {
    const vs = [NO_VERSION, { ts: 0n, rank: 1 }, { ts: 1n, rank: 0 }, { ts: 5n, rank: 3 }, { ts: 5n, rank: 4 }];
    for (const a of vs) for (const b of vs) expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)) || 0);
    for (const v of vs.slice(1)) expect(compareVersions(NO_VERSION, v)).toBeLessThan(0);
    expect(Object.isFrozen(NO_VERSION)).toBe(true);
  });

  it('sameVersion needs equal ts and rank, and ignores other fields', () => {
    expect(sameVersion({ ts: 7n, rank: 2 }, { ts: 7n, rank: 2 })).toBe(true);
    expect(sameVersion({ ts: 7n, rank: 2 }, { ts: 7n, rank: 3 })).toBe(false);
    expect(sameVersion({ ts: 7n, rank: 2 }, { ts: 8n, rank: 2 })).toBe(false);
    const stored = { ts: 7n, rank: 2, node: 'b', deleted: true };
    const change = { ts: 7n, rank: 2, node: 'a', prev: NO_VERSION };
    expect(sameVersion(stored, change)).toBe(true);
  });

  it('shows a version as an ISO time to the microsecond, then @rank', () => {
    expect(showVersion({ ts: 1_735_689_600_123_456n, rank: 3 })).toBe('2025-01-01T00:00:00.123456Z@3');
    expect(showVersion({ ts: 1_735_689_600_000_007n, rank: 12 })).toBe('2025-01-01T00:00:00.000007Z@12');
    expect(showVersion(NO_VERSION)).toBe('1970-01-01T00:00:00.000000Z@0');
  });
});
