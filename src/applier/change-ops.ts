import { ErrorCodes, TandemError } from '../errors.js';
import type { ChangeEvent, Operation } from '../model/change-event.js';
import type { ChangeVersion } from '../twoway/row-version.js';
import { keyString, type TableBinding, type TargetRow } from './table-binding.js';
import type { Param } from './target-writer.js';

/** The facts of the change an operation comes from that last-writer-wins needs (one object per event). */
export interface ChangeMeta {
  op: Operation;
  version: ChangeVersion | undefined;
  commitMicros: bigint;
  /** The node where the change was first made. */
  origin: string;
}

/** What one change event asks of the target, in terms of rows of one bound table. */
export type RowOp =
  | { kind: 'upsert'; binding: TableBinding; key: Param[]; keyText: string; row: TargetRow; meta: ChangeMeta }
  | { kind: 'delete'; binding: TableBinding; key: Param[]; keyText: string; meta: ChangeMeta }
  /** A key change whose new image lacks columns (unchanged TOAST values): an UPDATE moving the row keeps them. */
  | { kind: 'rekey'; binding: TableBinding; oldKey: Param[]; row: TargetRow; meta: ChangeMeta }
  | { kind: 'truncate'; binding: TableBinding };

/**
 * Turns a change into row operations: an insert or update is an upsert of the new image (columns the
 * source did not send are left out, so the target keeps them); a delete deletes by key; an update that
 * changes the key deletes the old key and upserts the new one; a truncate empties the table.
 * Values are converted here, so a value the target cannot hold fails on its own event.
 */
export function opsFor(event: ChangeEvent, binding: TableBinding): RowOp[] {
  const meta: ChangeMeta = { op: event.op, version: event.version, commitMicros: event.source.commitTimestampMicros, origin: event.origin };
  switch (event.op) {
    case 't':
      return [{ kind: 'truncate', binding }];
    case 'd': {
      if (!event.before) throw new TandemError(ErrorCodes.APPLY_VALUE, 'a delete without a before image');
      const key = binding.keyOf(event.before, 'before');
      return [{ kind: 'delete', binding, key, keyText: keyString(key), meta }];
    }
    case 'c':
    case 'u': {
      if (!event.after) throw new TandemError(ErrorCodes.APPLY_VALUE, `an ${event.op === 'c' ? 'insert' : 'update'} without an after image`);
      const row = binding.convert(event.after);
      const key = binding.key(row, 'after');
      const keyText = keyString(key);
      if (event.op === 'u' && event.before) {
        const oldKey = binding.keyOf(event.before, 'before');
        const oldText = keyString(oldKey);
        if (oldText !== keyText) {
          if (row.present) return [{ kind: 'rekey', binding, oldKey, row, meta }];
          return [
            { kind: 'delete', binding, key: oldKey, keyText: oldText, meta },
            { kind: 'upsert', binding, key, keyText, row, meta },
          ];
        }
      }
      return [{ kind: 'upsert', binding, key, keyText, row, meta }];
    }
  }
}
