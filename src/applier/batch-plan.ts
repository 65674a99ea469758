import type { ChangeMeta, RowOp } from './change-ops.js';
import { keyString, type TableBinding, type TargetRow } from './table-binding.js';
import type { Param, TargetWriter } from './target-writer.js';
import type { VersionArbiter } from '../twoway/arbiter.js';

/** The final state of one row within a batch: upsert `row` (after deleting, if `deleteFirst`), or delete. */
interface RowState {
  key: Param[];
  /** undefined: the row ends deleted. */
  row: TargetRow | undefined;
  /** The row was deleted and then inserted again: delete, then insert (target-only columns get their defaults). */
  deleteFirst: boolean;
  /** The first and the last change of the row in the batch (last-writer-wins compares their versions). */
  first: ChangeMeta;
  last: ChangeMeta;
}

interface TablePlan {
  binding: TableBinding;
  rows: Map<string, RowState>;
}

/**
 * Coalesces row operations per target row: only each row's final state is written — one multi-row
 * delete and one multi-row upsert per table and column set. Deletes go first (tables in reverse order of
 * first appearance), then upserts (in order of first appearance). A truncate, a key change that must keep
 * unsent columns, or a new version of a table's columns is a barrier: what is pending is written first.
 * If the reordering ever trips a constraint (a unique secondary key reused within a batch), the applier
 * retries the batch change by change, in source order.
 */
export class BatchPlan {
  #tables = new Map<string, TablePlan>();
  /** Row operations taken in since the last write. */
  pendingOps = 0;

  /**
   * `beforeWrite` runs before anything is sent to the target (the apply loop opens its transaction there).
   * With an `arbiter` (two-way links), rows of versioned tables are written only where the change wins.
   */
  constructor(
    private readonly writer: TargetWriter,
    private readonly beforeWrite: () => Promise<void> = async () => undefined,
    private readonly arbiter?: VersionArbiter,
  ) {}

  get isEmpty(): boolean {
    return this.#tables.size === 0;
  }

  /** Takes in one operation; barriers write what is pending first. */
  async add(op: RowOp): Promise<void> {
    const id = tableId(op.binding);
    switch (op.kind) {
      case 'truncate': {
        await this.write();
        await this.beforeWrite();
        // Not resolved by versions: a truncate empties the table and forgets its versions (tombstones too).
        const shadow = this.arbiter?.shadowOf(op.binding);
        await this.writer.truncate(shadow ? [op.binding.target, shadow] : [op.binding.target]);
        return;
      }
      case 'rekey':
        if (this.arbiter?.shadowOf(op.binding)) {
          // Versioned: the old key is deleted and the new one written, each decided by its own version.
          await this.add({ kind: 'delete', binding: op.binding, key: op.oldKey, keyText: keyString(op.oldKey), meta: op.meta });
          await this.add({ kind: 'upsert', binding: op.binding, key: op.binding.key(op.row, 'after'), keyText: keyString(op.binding.key(op.row, 'after')), row: op.row, meta: op.meta });
          return;
        }
        await this.write();
        await this.beforeWrite();
        await writeRekey(this.writer, op.binding, op.oldKey, op.row);
        return;
      default:
        break;
    }
    let plan = this.#tables.get(id);
    if (plan && plan.binding !== op.binding) {
      await this.write(); // the table's columns changed: write the rows of the old shape first
      plan = undefined;
    }
    if (!plan) {
      plan = { binding: op.binding, rows: new Map() };
      this.#tables.set(id, plan);
    }
    this.pendingOps++;
    const state = plan.rows.get(op.keyText);
    if (state) state.last = op.meta;
    if (op.kind === 'delete') {
      if (state) state.row = undefined;
      else plan.rows.set(op.keyText, { key: op.key, row: undefined, deleteFirst: false, first: op.meta, last: op.meta });
      return;
    }
    if (!state) plan.rows.set(op.keyText, { key: op.key, row: op.row, deleteFirst: false, first: op.meta, last: op.meta });
    else if (!state.row) {
      state.row = op.row;
      state.deleteFirst = true;
    } else state.row = merge(state.row, op.row);
  }

  /** Writes every pending row state and clears the plan. */
  async write(): Promise<void> {
    if (this.#tables.size === 0) return;
    await this.beforeWrite();
    const tables = [...this.#tables.values()];
    this.#tables = new Map();
    this.pendingOps = 0;
    if (this.arbiter) for (const plan of tables) await this.arbiter.resolve(plan.binding, plan.rows);
    for (const plan of [...tables].reverse()) {
      const keys: Param[][] = [];
      for (const state of plan.rows.values()) if (!state.row || state.deleteFirst) keys.push(state.key);
      if (keys.length > 0) await this.writer.delete(plan.binding.target, plan.binding.keyColumns, keys);
    }
    for (const plan of tables) {
      const groups = new Map<string, TargetRow[]>();
      for (const state of plan.rows.values()) {
        if (!state.row) continue;
        const shape = state.row.present ? state.row.present.map((p) => (p ? '1' : '0')).join('') : '';
        let group = groups.get(shape);
        if (!group) groups.set(shape, (group = []));
        group.push(state.row);
      }
      for (const rows of groups.values()) await writeUpserts(this.writer, plan.binding, rows);
    }
  }
}

function tableId(binding: TableBinding): string {
  return JSON.stringify([binding.target.name.schema, binding.target.name.table]);
}

/** A later image of the same row over an earlier one: its present columns win, the others stay. */
function merge(earlier: TargetRow, later: TargetRow): TargetRow {
  if (!later.present) return later;
  const values = [...earlier.values];
  const present = earlier.present ? [...earlier.present] : undefined;
  for (let i = 0; i < values.length; i++) {
    if (!later.present[i]) continue;
    values[i] = later.values[i];
    if (present) present[i] = true;
  }
  return { values, present: present && present.every(Boolean) ? undefined : present };
}

async function writeUpserts(writer: TargetWriter, binding: TableBinding, rows: TargetRow[]): Promise<void> {
  const present = rows[0]!.present;
  const indexes = binding.columns.map((_, i) => i).filter((i) => !present || present[i]);
  const columns = indexes.map((i) => binding.columns[i]!.target);
  const values = present ? rows.map((r) => indexes.map((i) => r.values[i])) : rows.map((r) => r.values);
  await writer.upsert(binding.target, columns, binding.keyColumns.map((c) => c.name), values);
}

async function writeRekey(writer: TargetWriter, binding: TableBinding, oldKey: Param[], row: TargetRow): Promise<void> {
  const indexes = binding.columns.map((_, i) => i).filter((i) => !row.present || row.present[i]);
  await writer.rekey(
    binding.target,
    indexes.map((i) => binding.columns[i]!.target),
    indexes.map((i) => row.values[i]),
    binding.keyColumns,
    oldKey,
  );
}
