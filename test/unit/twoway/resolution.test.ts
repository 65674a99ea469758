import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../src/model/change-event.js';
import { resolve, type IncomingState } from '../../../src/twoway/resolution.js';
import { NO_VERSION, type ChangeVersion, type RowVersion, type StoredVersion } from '../../../src/twoway/row-version.js';

// Microseconds since the epoch, around 2025-01-01.
const T = 1_735_689_600_000_000n;

const A = { node: 'a', rank: 1 };
const B = { node: 'b', rank: 2 };

function version(ts: bigint, by: { node: string; rank: number }, prev: RowVersion = NO_VERSION): ChangeVersion {
  return { ts, rank: by.rank, node: by.node, prev };
}

function incoming(v: ChangeVersion, firstOp: Operation = 'u', deleted = false, prev: RowVersion | undefined = v.prev): IncomingState {
  return { version: v, prev, firstOp, deleted };
}

function stored(ts: bigint, by: { node: string; rank: number }, deleted = false): StoredVersion {
  return { ts, rank: by.rank, node: by.node, deleted };
}

describe('resolve: last writer wins per row', () => {
  describe('a target row without a version', () => {
    it('takes an insert, without a conflict', () => {
      expect(resolve(incoming(version(T, B), 'c'), undefined)).toEqual({ apply: true, duplicate: false });
    });

    it('takes an update of a row it never saw (written as an upsert), without a conflict', () => {
      expect(resolve(incoming(version(T, B, { ts: T - 5n, rank: B.rank }), 'u'), undefined)).toEqual({ apply: true, duplicate: false });
    });

    it('takes a delete of a row it never saw (it leaves a tombstone), without a conflict', () => {
      const r = resolve(incoming(version(T, B, { ts: T - 5n, rank: B.rank }), 'd', true), undefined);
      expect(r).toEqual({ apply: true, duplicate: false });
      expect(r.conflict).toBeUndefined();
    });

    it('takes a change even when its version is zero (no version known at the source)', () => {
      expect(resolve(incoming(version(0n, { node: 'b', rank: 0 })), undefined).apply).toBe(true);
    });
  });

  describe('the same version', () => {
    it('is a duplicate (arrived by another path) and is not applied', () => {
      const r = resolve(incoming(version(T, B, { ts: T - 1n, rank: A.rank })), stored(T, B));
      expect(r).toEqual({ apply: false, duplicate: true });
    });

    it('is a duplicate for a delete met by its own tombstone', () => {
      expect(resolve(incoming(version(T, B), 'd', true), stored(T, B, true))).toEqual({ apply: false, duplicate: true });
    });

    it('needs both ts and rank to match', () => {
      expect(resolve(incoming(version(T, B)), stored(T, A)).duplicate).toBe(false);
      expect(resolve(incoming(version(T, B)), stored(T + 1n, B)).duplicate).toBe(false);
    });
  });

  describe('a change that replaced the target\'s version at its source', () => {
    it('is applied cleanly when newer', () => {
      const r = resolve(incoming(version(T + 10n, B, { ts: T, rank: A.rank })), stored(T, A));
      expect(r).toEqual({ apply: true, duplicate: false });
      expect(r.conflict).toBeUndefined();
    });

    it('is applied cleanly over a tombstone (re-insert after a delete seen by the source)', () => {
      expect(resolve(incoming(version(T + 10n, B, { ts: T, rank: A.rank }), 'c'), stored(T, A, true))).toEqual({ apply: true, duplicate: false });
    });

    it('is applied cleanly when the new version is only newer by rank (same ts)', () => {
      // ts equal to its prev cannot come from a clock, but prev matching still means no conflict.
      expect(resolve(incoming(version(T, B, { ts: T, rank: A.rank })), stored(T, A))).toEqual({ apply: true, duplicate: false });
    });

    it('uses the batch\'s first prev, not the last change\'s', () => {
      // The last change's own prev is the batch's middle version, which the target never held.
      const last = version(T + 20n, B, { ts: T + 10n, rank: B.rank });
      const r = resolve({ version: last, prev: { ts: T, rank: A.rank }, firstOp: 'u', deleted: false }, stored(T, A));
      expect(r).toEqual({ apply: true, duplicate: false });
      const conflict = resolve({ version: last, prev: last.prev, firstOp: 'u', deleted: false }, stored(T, A));
      expect(conflict.conflict?.kind).toBe('update_update');
    });
  });

  describe('a concurrent change (its prev is not the target\'s version)', () => {
    const cases: Array<[string, Operation, boolean, boolean, string]> = [
      ['update over an update', 'u', false, false, 'update_update'],
      ['insert over an insert', 'c', false, false, 'insert_insert'],
      ['update over a delete (target is a tombstone)', 'u', false, true, 'update_delete'],
      ['insert over a delete (target is a tombstone)', 'c', false, true, 'update_delete'],
      ['delete over an update', 'u', true, false, 'delete_update'],
      ['delete (first op d) over an update', 'd', true, false, 'delete_update'],
      ['delete over a delete', 'd', true, true, 'delete_delete'],
    ];

    for (const [name, firstOp, deleted, targetDeleted, kind] of cases) {
      it(`${name}: ${kind}, newer incoming wins`, () => {
        const r = resolve(incoming(version(T + 100n, B, { ts: T - 50n, rank: B.rank }), firstOp, deleted), stored(T, A, targetDeleted));
        expect(r.apply).toBe(true);
        expect(r.duplicate).toBe(false);
        expect(r.conflict).toMatchObject({ kind, winner: 'incoming' });
        expect(r.conflict!.reason).toMatch(/^incoming version .*@2 \(b\) is newer than .*@1 \(a\)$/);
      });
    }

    it('with an unknown prev is a conflict too', () => {
      const r = resolve({ version: version(T + 100n, B), prev: undefined, firstOp: 'u', deleted: false }, stored(T, A));
      expect(r).toMatchObject({ apply: true, duplicate: false, conflict: { kind: 'update_update', winner: 'incoming' } });
    });

    it('a first insert meeting an existing row is insert_insert even when prev is none', () => {
      const r = resolve(incoming(version(T + 1n, B), 'c'), stored(T, A));
      expect(r.conflict?.kind).toBe('insert_insert');
    });

    it('an older incoming change loses: the target keeps its row', () => {
      const r = resolve(incoming(version(T - 100n, B, { ts: T - 200n, rank: B.rank })), stored(T, A));
      expect(r.apply).toBe(false);
      expect(r.duplicate).toBe(false);
      expect(r.conflict).toMatchObject({ kind: 'update_update', winner: 'target' });
      expect(r.conflict!.reason).toMatch(/^target version .*@1 \(a\) is newer than .*@2 \(b\)$/);
    });

    it('an older delete loses against a newer update (delete_update, target wins)', () => {
      const r = resolve(incoming(version(T - 1n, B), 'd', true), stored(T, A));
      expect(r).toMatchObject({ apply: false, duplicate: false, conflict: { kind: 'delete_update', winner: 'target' } });
    });

    it('an older update loses against a newer tombstone (update_delete, target wins)', () => {
      const r = resolve(incoming(version(T - 1n, B)), stored(T, A, true));
      expect(r).toMatchObject({ apply: false, conflict: { kind: 'update_delete', winner: 'target' } });
    });

    it('a change whose prev matches but which is older than the target still loses', () => {
      const r = resolve(incoming(version(T - 1n, B, { ts: T, rank: A.rank })), stored(T, A));
      expect(r.apply).toBe(false);
      expect(r.conflict?.winner).toBe('target');
    });
  });

  describe('equal timestamps: decided by rank, the same on both nodes', () => {
    // Nodes a (rank 1) and b (rank 2) both update row k at the same µs, from the same prior version P.
    const P: RowVersion = { ts: T - 1000n, rank: 1 };
    const fromA = version(T, A, P);
    const fromB = version(T, B, P);

    it('node a resolving b\'s change and node b resolving a\'s change pick b\'s version', () => {
      const onA = resolve(incoming(fromB), stored(fromA.ts, A));
      const onB = resolve(incoming(fromA), stored(fromB.ts, B));
      expect(onA).toMatchObject({ apply: true, conflict: { kind: 'update_update', winner: 'incoming' } });
      expect(onB).toMatchObject({ apply: false, conflict: { kind: 'update_update', winner: 'target' } });
      // Both nodes end holding rank 2's version.
      const endA = onA.apply ? fromB : fromA;
      const endB = onB.apply ? fromA : fromB;
      expect(endA).toBe(fromB);
      expect(endB).toBe(fromB);
    });

    it('the higher rank wins whichever node holds it', () => {
      const high = { node: 'x', rank: 900 };
      const low = { node: 'y', rank: 3 };
      const viaLow = resolve(incoming(version(T, high, P)), stored(T, low));
      const viaHigh = resolve(incoming(version(T, low, P)), stored(T, high));
      expect(viaLow.conflict?.winner).toBe('incoming');
      expect(viaHigh.conflict?.winner).toBe('target');
    });

    it('holds for deletes: a delete and an update at the same µs pick the same side on both nodes', () => {
      const delA = version(T, A, P);
      const updB = version(T, B, P);
      const onA = resolve(incoming(updB), stored(T, A, true)); // a deleted, b's update arrives
      const onB = resolve(incoming(delA, 'd', true), stored(T, B)); // b updated, a's delete arrives
      expect(onA).toMatchObject({ apply: true, conflict: { kind: 'update_delete', winner: 'incoming' } });
      expect(onB).toMatchObject({ apply: false, conflict: { kind: 'delete_update', winner: 'target' } });
    });

    it('the reason names the same timestamp and both ranks and nodes', () => {
      const onA = resolve(incoming(fromB), stored(T, A));
      const onB = resolve(incoming(fromA), stored(T, B));
      for (const r of [onA, onB]) {
        expect(r.conflict!.reason).toContain('same timestamp');
        expect(r.conflict!.reason).toContain('2025-01-01T00:00:00.000000Z');
        expect(r.conflict!.reason).toContain('rank 2 (b) beats rank 1 (a)');
      }
    });
  });
});
