import type { Operation } from '../model/change-event.js';
import { compareVersions, sameVersion, showVersion, type ChangeVersion, type StoredVersion } from './row-version.js';

/** How a concurrent change met the target row (see docs/ARCHITECTURE.md, "Two-way sync"). */
export type ConflictKind = 'update_update' | 'insert_insert' | 'update_delete' | 'delete_update' | 'delete_delete';

export interface Resolution {
  /** Write the incoming row state (and its version). */
  apply: boolean;
  /** The target already holds exactly this version (the change arrived by another path). */
  duplicate: boolean;
  conflict?: { kind: ConflictKind; winner: 'incoming' | 'target'; reason: string };
}

export interface IncomingState {
  version: ChangeVersion;
  /** The version the first change of the batch for this row replaced at its source (undefined: unknown). */
  prev: ChangeVersion['prev'] | undefined;
  /** Operation of the first change of the batch for this row. */
  firstOp: Operation;
  /** The row ends deleted. */
  deleted: boolean;
}

/**
 * Last writer wins, per row: the incoming state is written only if its version is greater than the
 * target's (timestamps first, then ranks). It is a conflict when the target's version is not the one the
 * incoming change replaced at its source — both sides wrote the row without seeing each other's write.
 * A target row without a version (never written since versioning began) takes the incoming state.
 */
export function resolve(incoming: IncomingState, target: StoredVersion | undefined): Resolution {
  if (!target) return { apply: true, duplicate: false };
  const order = compareVersions(incoming.version, target);
  if (order === 0) return { apply: false, duplicate: true };
  if (incoming.prev && sameVersion(incoming.prev, target) && order > 0) return { apply: true, duplicate: false };
  const winner = order > 0 ? 'incoming' : 'target';
  return { apply: order > 0, duplicate: false, conflict: { kind: kindOf(incoming, target), winner, reason: reasonOf(incoming.version, target, winner) } };
}

function kindOf(incoming: IncomingState, target: StoredVersion): ConflictKind {
  if (incoming.deleted) return target.deleted ? 'delete_delete' : 'delete_update';
  if (target.deleted) return 'update_delete';
  return incoming.firstOp === 'c' ? 'insert_insert' : 'update_update';
}

function reasonOf(incoming: ChangeVersion, target: StoredVersion, winner: 'incoming' | 'target'): string {
  const [won, lost] = winner === 'incoming' ? [incoming, target] : [target, incoming];
  if (incoming.ts === target.ts) return `same timestamp ${showVersion(incoming).split('@')[0]}: rank ${won.rank} (${won.node}) beats rank ${lost.rank} (${lost.node})`;
  return `${winner} version ${showVersion(won)} (${won.node}) is newer than ${showVersion(lost)} (${lost.node})`;
}
