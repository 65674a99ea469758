import { ErrorCodes, TandemError } from '../errors.js';
import type { RowImage } from '../model/change-event.js';
import { valueToJson } from '../model/event-json.js';
import type { Value } from '../model/logical-type.js';
import type { TableSchema } from '../model/table.js';
import { showTable, type TableRoute } from './link-routes.js';
import type { TargetColumn, TargetTable } from './target-table.js';
import type { Param } from './target-writer.js';
import { coercionFor, describe, ValueProblem, type Coerce } from './value-coercion.js';

/** A source column the applier writes, with where it goes and how its values convert. */
export interface BoundColumn {
  source: string;
  target: TargetColumn;
  convert: (value: Value) => Param;
}

/** A row converted for the target: one slot per bound column; `present[i]` false where the image lacks it. */
export interface TargetRow {
  values: Param[];
  /** undefined: every bound column is present. */
  present: boolean[] | undefined;
}

/**
 * One source table version bound to its target table: which columns go where, converted how, and the
 * key rows are applied by. Built (and checked) when the first change of the version arrives; anything
 * that can never work — a missing target column, a type that cannot hold the source's, a key the source
 * cannot provide — is a TANDEM_APPLY_TARGET_MISMATCH naming table, column and fix.
 */
export class TableBinding {
  readonly columns: BoundColumn[];
  /** Indexes into `columns` of the key, in target key order. */
  readonly keyIndexes: number[];
  readonly keyColumns: TargetColumn[];

  constructor(
    readonly source: TableSchema,
    readonly route: TableRoute,
    readonly target: TargetTable,
    param: (column: TargetColumn, value: Value) => Param,
  ) {
    const where = `${showTable(route.source)} → ${showTable(target.name)}`;
    const mismatch = (message: string) => new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `${where}: ${message}`);
    this.columns = [];
    for (const column of source.columns) {
      const targetName = route.columns.get(column.name) ?? column.name;
      const targetColumn = target.columns.get(targetName);
      if (!targetColumn) {
        throw mismatch(
          `target table has no column ${JSON.stringify(targetName)} for source column ${JSON.stringify(column.name)} (${column.sourceType}); ` +
            `add it (columns: ${[...target.columns.keys()].join(', ')}) or map the column under links[].columns`,
        );
      }
      if (targetColumn.generated) continue; // computed by the target from the columns it is given
      const coerce = coercionFor(column.type, targetColumn);
      if ('incompatible' in coerce) {
        throw mismatch(
          `column ${JSON.stringify(column.name)} (${column.sourceType}, ${describe(column.type)}) cannot be written to ${JSON.stringify(targetName)} (${targetColumn.sqlType}): ${coerce.incompatible}; ` +
            'change the target column to a type docs/type-mapping.md lists for it',
        );
      }
      this.columns.push({ source: column.name, target: targetColumn, convert: converter(coerce, targetColumn, param) });
    }
    const key = route.key ?? target.primaryKey;
    if (key.length === 0) {
      throw mismatch('target table has no primary key; add one, or name a unique key for it under links[].keys');
    }
    if (route.key) {
      const unique = target.uniqueKeys.some((u) => u.length === key.length && u.every((c) => key.includes(c)));
      if (!unique) throw mismatch(`the configured key (${key.join(', ')}) is not a unique index of the target table; create one or configure another key`);
      const nullable = key.filter((c) => !target.columns.get(c)?.notNull);
      if (nullable.length > 0) throw mismatch(`key column(s) ${nullable.join(', ')} allow NULL, so they cannot identify a row; make them NOT NULL`);
    }
    this.keyIndexes = key.map((name) => {
      const i = this.columns.findIndex((c) => c.target.name === name);
      if (i < 0) throw mismatch(`target key column ${JSON.stringify(name)} gets no value from any source column; map one to it under links[].columns`);
      return i;
    });
    this.keyColumns = this.keyIndexes.map((i) => this.columns[i]!.target);
    const outside = this.keyIndexes.map((i) => this.columns[i]!.source).filter((s) => !source.key.includes(s));
    if (outside.length > 0) {
      throw mismatch(
        `target key column(s) come from source column(s) ${outside.join(', ')}, which are not part of the source's key (${source.key.join(', ')}); ` +
          'a change of them could not be found on the target: make the target key match the source key',
      );
    }
  }

  /** Converts a row image; columns absent from the image are marked absent (unchanged TOAST, key-only images). */
  convert(image: RowImage): TargetRow {
    const n = this.columns.length;
    const values = new Array<Param>(n);
    let present: boolean[] | undefined;
    for (let i = 0; i < n; i++) {
      const column = this.columns[i]!;
      const value = image[column.source];
      if (value === undefined) {
        present ??= new Array<boolean>(n).fill(true);
        present[i] = false;
        values[i] = null;
        continue;
      }
      try {
        values[i] = value === null ? null : column.convert(value);
      } catch (error) {
        if (!(error instanceof ValueProblem)) throw error;
        throw new TandemError(
          ErrorCodes.APPLY_VALUE,
          `cannot write ${showTable(this.route.source)}.${column.source} value ${show(value!)} into ${showTable(this.target.name)}.${column.target.name} (${column.target.sqlType}): ${error.message}`,
        );
      }
    }
    return { values, present };
  }

  /** The converted key values of a row image (only the key columns are converted). */
  keyOf(image: RowImage, what: string): Param[] {
    return this.keyIndexes.map((i) => {
      const column = this.columns[i]!;
      const value = image[column.source];
      if (value === undefined) {
        throw new TandemError(ErrorCodes.APPLY_VALUE, `the ${what} image of a change to ${showTable(this.route.source)} lacks key column ${column.source}`);
      }
      if (value === null) return null;
      try {
        return column.convert(value);
      } catch (error) {
        if (!(error instanceof ValueProblem)) throw error;
        throw new TandemError(ErrorCodes.APPLY_VALUE, `cannot write ${showTable(this.route.source)}.${column.source} key value ${show(value)}: ${error.message}`);
      }
    });
  }

  /** The key values of a converted row, or an error when the image lacks a key column. */
  key(row: TargetRow, what: string): Param[] {
    return this.keyIndexes.map((i) => {
      if (row.present && !row.present[i]) {
        throw new TandemError(ErrorCodes.APPLY_VALUE, `the ${what} image of a change to ${showTable(this.route.source)} lacks key column ${this.columns[i]!.source}`);
      }
      return row.values[i];
    });
  }
}

function converter(coerce: Coerce, column: TargetColumn, param: (column: TargetColumn, value: Value) => Param): (value: Value) => Param {
  return (value) => param(column, coerce(value));
}

/** A value for an error message: JSON-ish, cut short (row data beyond one value is never put in messages). */
function show(value: Value): string {
  const text = JSON.stringify(valueToJson(value)) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** A stable string of key values for coalescing changes per row. */
export function keyString(key: readonly Param[]): string {
  let out = '';
  for (const v of key) {
    const text = Buffer.isBuffer(v) ? v.toString('hex') : v === null ? '' : String(v);
    out += `${Buffer.isBuffer(v) ? 'b' : v === null ? 'n' : typeof v === 'number' ? 'i' : 's'}${text.length}:${text}`;
  }
  return out;
}
