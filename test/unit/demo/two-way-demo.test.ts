import { describe, expect, it } from 'vitest';
import { CATALOG, HOT_SKUS, orderLines, orderTotal, seededRandom } from '../../../src/demo/catalog.js';
import { clock, describeConflict, keyValues, sampleConflicts } from '../../../src/demo/conflict-text.js';
import { LinkMeter, sourceCommitMs, statusLine } from '../../../src/demo/live-line.js';
import type { ConflictRecord } from '../../../src/twoway/conflict-log.js';

describe('sourceCommitMs', () => {
  const tx = (commitMicros: bigint, kafkaTimestampMs = 0) => ({ id: '0-1-7', commitMicros, kafkaTimestampMs });
  it('takes a microsecond commit time as it is', () => {
    expect(sourceCommitMs(tx(1_700_000_000_123_456n, 1_700_000_000_500))).toBe(1_700_000_000_123);
  });
  it('prefers (and forgets) a commit time the workload noted', () => {
    const known = new Map([['0-1-7', 1_700_000_000_321]]);
    expect(sourceCommitMs(tx(1_700_000_000_000_000n), known)).toBe(1_700_000_000_321);
    expect(known.size).toBe(0);
  });
  it('bounds a whole-second stamp by the second and the publish time', () => {
    expect(sourceCommitMs(tx(1_700_000_000_000_000n, 1_700_000_000_250))).toBe(1_700_000_000_250);
    expect(sourceCommitMs(tx(1_700_000_000_000_000n, 1_700_000_005_000))).toBe(1_700_000_000_999);
    expect(sourceCommitMs(tx(1_700_000_000_000_000n, 1_699_999_999_000))).toBe(1_700_000_000_000);
  });
});

describe('LinkMeter and the status line', () => {
  it('counts rows per second and lag per source transaction', () => {
    const m = new LinkMeter('shop→inventory');
    m.record({ events: 3, committedAtMs: 10_000, sourceTransactions: [{ id: 'a', commitMicros: 9_900_123n, kafkaTimestampMs: 9_950 }] });
    m.record({ events: 2, committedAtMs: 10_500, sourceTransactions: [{ id: 'b', commitMicros: 10_300_001n, kafkaTimestampMs: 10_350 }] });
    expect(m.rows).toBe(5);
    expect(m.rowsPerSecond(10_600)).toBe(5);
    expect(m.rowsPerSecond(11_200)).toBe(2);
    expect(m.lastLag()).toBe(200);
    expect(m.percentile(50)).toBe(200);
    const back = new LinkMeter('inventory→shop');
    expect(statusLine([m, back], 7, 11_200)).toBe('⟳ shop→inventory 2 rows/s lag 200 ms | inventory→shop 0 rows/s lag 0 ms | conflicts 7');
  });
});

describe('conflict text', () => {
  it('reads canonical key texts', () => {
    expect(keyValues('s7:SKU-001')).toEqual(['SKU-001']);
    expect(keyValues('s2:57i1:3n0:')).toEqual(['57', '3', 'NULL']);
    expect(keyValues('garbage')).toEqual(['garbage']);
  });
  it('says who won and why', () => {
    const record = (resolvedOn: string, winner: 'incoming' | 'target', incomingTs: string, targetTs: string): ConflictRecord => ({
      link: 'x',
      resolvedOn,
      table: resolvedOn === 'shop' ? 'shop.products' : 'tandem_demo.products',
      key: 's7:SKU-001',
      kind: 'update_update',
      winner,
      reason: '',
      incoming: { op: 'u', deleted: false, origin: 'inventory', version: { ts: incomingTs, rank: 2, node: 'inventory' }, prev: null },
      target: { deleted: false, version: { ts: targetTs, rank: 1, node: 'shop' } },
      resolvedAt: '',
    });
    expect(clock('1795462165752873')).toBe('19:29:25.752873');
    expect(describeConflict(record('shop', 'target', '1795462165702712', '1795462165752873'))).toBe(
      "products SKU-001 on shop (update_update): shop's write wins, 19:29:25.752873 is later than 19:29:25.702712",
    );
    expect(describeConflict(record('shop', 'incoming', '1795462165752873', '1795462165752873'))).toBe(
      "products SKU-001 on shop (update_update): inventory's write wins, same time 19:29:25.752873, rank 2 beats rank 1",
    );
    const all = [record('shop', 'target', '1', '2'), record('shop', 'target', '3', '4'), record('inventory', 'incoming', '5', '4')];
    expect(sampleConflicts(all, 2)).toEqual([all[0], all[2]]);
  });
});

describe('catalog', () => {
  it('makes order lines over distinct SKUs in SKU order, totalled from the catalog', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 50; i++) {
      const lines = orderLines(random);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(3);
      expect(lines.map((l) => l.sku)).toEqual([...new Set(lines.map((l) => l.sku))].sort());
    }
    expect(orderTotal([{ sku: CATALOG[0]!.sku, qty: 2 }])).toBe((Number(CATALOG[0]!.price) * 2).toFixed(2));
    expect(HOT_SKUS).toEqual(['SKU-001', 'SKU-002', 'SKU-003']);
  });
});
