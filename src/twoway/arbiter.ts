import { showTable, tableKey } from '../applier/link-routes.js';
import type { ChangeMeta } from '../applier/change-ops.js';
import type { TableBinding } from '../applier/table-binding.js';
import type { TargetColumn, TargetTable } from '../applier/target-table.js';
import type { Param, TargetWriter } from '../applier/target-writer.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { Logger } from '../logging.js';
import { jsonVersion, type ConflictLog } from './conflict-log.js';
import { resolve } from './resolution.js';
import { NO_VERSION, type ChangeVersion } from './row-version.js';
import { VERSION_COLUMNS } from './shadow-table.js';

/** A row's final state in a batch, as the arbiter sees it (BatchPlan's RowState). */
export interface ArbitratedRow {
  key: Param[];
  /** undefined: the row ends deleted. */
  row: unknown;
  first: ChangeMeta;
  last: ChangeMeta;
}

export interface ArbiterStats {
  /** Conflicts resolved (both sides wrote a row without seeing the other's write). */
  conflicts: number;
  /** Changes the target already held at the same version (arrived by another path). */
  duplicatesSkipped: number;
}

export interface ArbiterDeps {
  writer: TargetWriter;
  link: string;
  resolvedOn: string;
  /** Shadow table of each versioned target table, by tableKey of the target. */
  shadows: ReadonlyMap<string, TargetTable>;
  rankOf: (node: string) => number;
  conflicts: ConflictLog | undefined;
  stats: ArbiterStats;
  log: Logger;
  /** Tombstones older than this are purged: a change older than it may find its row's tombstone gone. */
  tombstoneRetentionMs: number;
}

const VERSION_ORDER = [VERSION_COLUMNS.ts, VERSION_COLUMNS.rank, VERSION_COLUMNS.node, VERSION_COLUMNS.deleted, VERSION_COLUMNS.prevTs, VERSION_COLUMNS.prevRank];

/**
 * Last-writer-wins on a two-way link, inside the target transaction: locks the rows and then the shadow
 * rows of a batch's keys (local writers then wait for this transaction, and this one waited for theirs), drops
 * the rows whose incoming version is not newer, records conflicts, and writes the winners' versions to
 * the shadow before their rows are written.
 */
export class VersionArbiter {
  readonly #d: ArbiterDeps;
  readonly #columns = new Map<string, TargetColumn[]>();
  #lastLagWarning = 0;

  constructor(deps: ArbiterDeps) {
    this.#d = deps;
  }

  shadowOf(binding: TableBinding): TargetTable | undefined {
    return this.#d.shadows.get(tableKey(binding.target.name));
  }

  /** Removes from `rows` (keyText → state) every row the target keeps; writes the others' versions. */
  async resolve(binding: TableBinding, rows: Map<string, ArbitratedRow>): Promise<void> {
    const shadow = this.shadowOf(binding);
    if (!shadow || rows.size === 0) return;
    const { writer, stats } = this.#d;
    const entries = [...rows];
    const keys = entries.map(([, r]) => r.key);
    // Rows first, then their shadow rows: the order a local UPDATE or DELETE takes them in (it locks the
    // row, then its BEFORE trigger the shadow row), so the two queue instead of deadlocking.
    await writer.lockRows(binding.target, binding.keyColumns, keys);
    const stored = await writer.lockVersions(shadow, binding.keyColumns, keys);
    const columns = this.#shadowColumns(binding, shadow);
    this.#checkAge(entries.map(([, r]) => r.last));
    const winners: Param[][] = [];
    entries.forEach(([keyText, state], i) => {
      const current = stored[i];
      const version = this.#versionOf(state.last);
      const deleted = state.row === undefined;
      const outcome = resolve({ version, prev: state.first.version?.prev, firstOp: state.first.op, deleted }, current);
      if (outcome.duplicate) stats.duplicatesSkipped++;
      if (outcome.conflict && current) {
        stats.conflicts++;
        this.#d.conflicts?.add({
          link: this.#d.link,
          resolvedOn: this.#d.resolvedOn,
          table: showTable(binding.target.name),
          key: keyText,
          kind: outcome.conflict.kind,
          winner: outcome.conflict.winner,
          reason: outcome.conflict.reason,
          incoming: {
            op: state.last.op,
            deleted,
            origin: state.last.origin,
            version: jsonVersion(version),
            prev: state.first.version ? { ts: state.first.version.prev.ts.toString(), rank: state.first.version.prev.rank } : null,
          },
          target: { deleted: current.deleted, version: jsonVersion(current) },
          resolvedAt: new Date().toISOString(),
        });
        this.#d.log.debug({ table: showTable(binding.target.name), key: keyText, ...outcome.conflict }, 'conflict resolved');
      }
      if (!outcome.apply) {
        rows.delete(keyText);
        return;
      }
      const prev = current ?? NO_VERSION;
      const values: unknown[] = [version.ts, version.rank, version.node, deleted, prev.ts, prev.rank];
      winners.push([...state.key, ...values.map((v, c) => writer.param(columns[binding.keyColumns.length + c]!, asColumnValue(columns[binding.keyColumns.length + c]!, v)))]);
    });
    if (winners.length > 0) await writer.upsert(shadow, columns, binding.keyColumns.map((c) => c.name), winners);
  }

  /** Warns (at most once a minute) when changes arrive older than the tombstone retention. */
  #checkAge(metas: ChangeMeta[]): void {
    const oldest = metas.reduce((min, m) => (m.commitMicros < min ? m.commitMicros : min), BigInt(Date.now()) * 1000n);
    const ageMs = Date.now() - Number(oldest / 1000n);
    if (ageMs <= this.#d.tombstoneRetentionMs || Date.now() - this.#lastLagWarning < 60_000) return;
    this.#lastLagWarning = Date.now();
    this.#d.log.warn(
      { lagMs: ageMs, retentionMs: this.#d.tombstoneRetentionMs },
      'changes arrive older than the tombstone retention: a row deleted here and purged could be brought back by them; raise conflicts.tombstoneRetentionHours above the worst lag',
    );
  }

  /** A change without a version (written while the source's triggers were missing): its commit time and origin's rank. */
  #versionOf(meta: ChangeMeta): ChangeVersion {
    return meta.version ?? { ts: meta.commitMicros, rank: this.#d.rankOf(meta.origin), node: meta.origin, prev: NO_VERSION };
  }

  #shadowColumns(binding: TableBinding, shadow: TargetTable): TargetColumn[] {
    const id = tableKey(binding.target.name);
    let columns = this.#columns.get(id);
    if (columns) return columns;
    columns = [...binding.keyColumns.map((c) => c.name), ...VERSION_ORDER].map((name) => {
      const column = shadow.columns.get(name);
      if (!column) {
        throw new TandemError(
          ErrorCodes.APPLY_TARGET_MISMATCH,
          `shadow table ${showTable(shadow.name)} of ${showTable(binding.target.name)} has no column ${name}; drop it and restart the node's reader, which makes it again`,
        );
      }
      return column;
    });
    this.#columns.set(id, columns);
    return columns;
  }
}

/** A version field as the value kind its shadow column's LogicalType expects. */
function asColumnValue(column: TargetColumn, value: unknown): never {
  switch (column.type?.kind) {
    case 'boolean':
      return Boolean(value) as never;
    case 'int16':
    case 'int32':
      return (typeof value === 'boolean' ? Number(value) : Number(value)) as never;
    case 'int64':
      return BigInt(typeof value === 'boolean' ? Number(value) : (value as bigint | number)) as never;
    default:
      return value as never;
  }
}
