/**
 * Row images <-> avsc row records for one table version. The layout (field names, value codecs, key)
 * is computed once per writer schema; the conversions run once per row image.
 *
 * In Avro every column has a field. A column absent from a RowImage is written as null and is only
 * allowed where the envelope says why it is absent: `before` holding the key columns only
 * (beforeKeyOnly), or an `after` column listed in unchangedColumns. Decoding drops those fields again.
 */
import { ErrorCodes, TandemError } from '../errors.js';
import type { RowImage } from '../model/change-event.js';
import type { Value } from '../model/logical-type.js';
import type { TableSchema } from '../model/table.js';
import { encodeAvroName } from './avro-names.js';
import { describeTable } from './table-structure.js';
import { ValueRejected, type ValueCodec } from './value-codec.js';
import { codecFor } from './value-codecs.js';
import { describeValue } from './value-description.js';

export interface RowLayout {
  readonly table: TableSchema;
  readonly columnNames: readonly string[];
  readonly fieldNames: readonly string[];
  readonly codecs: readonly ValueCodec[];
  readonly columnIndex: ReadonlyMap<string, number>;
  readonly keyNames: ReadonlySet<string>;
  /** Column names that are also Object.prototype members ("constructor", "__proto__"): read as own properties only. */
  readonly inherited: readonly boolean[];
}

export function buildRowLayout(table: TableSchema): RowLayout {
  const columnNames = table.columns.map((c) => c.name);
  return {
    table,
    columnNames,
    fieldNames: columnNames.map(encodeAvroName),
    codecs: table.columns.map((c) => codecFor(c.type)),
    columnIndex: new Map(columnNames.map((name, i) => [name, i])),
    keyNames: new Set(table.key),
    inherited: columnNames.map((name) => name in Object.prototype),
  };
}

type ImagePart = 'before' | 'after';

function readColumn(layout: RowLayout, image: RowImage, i: number): unknown {
  const name = layout.columnNames[i] as string;
  return layout.inherited[i] === true && !Object.hasOwn(image, name) ? undefined : image[name];
}

/** Converts the present columns of `image` into `out`; returns how many were present. */
function convertPresentColumns(layout: RowLayout, image: RowImage, out: Record<string, unknown>, part: ImagePart): number {
  const { fieldNames, codecs } = layout;
  let present = 0;
  for (let i = 0; i < fieldNames.length; i++) {
    const value = readColumn(layout, image, i);
    const field = fieldNames[i] as string;
    if (value === undefined) {
      out[field] = null;
      continue;
    }
    present++;
    if (value === null) {
      out[field] = null;
      continue;
    }
    try {
      out[field] = (codecs[i] as ValueCodec).toAvro(value);
    } catch (error) {
      if (error instanceof ValueRejected) throw valueError(layout, part, i, value, error.message);
      throw error;
    }
  }
  if (Object.keys(image).length !== present) checkNoUnknownColumns(layout, image, part);
  return present;
}

/** `after` with unchangedColumns absent. */
export function afterImageToAvro(layout: RowLayout, image: RowImage, unchanged: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const present = convertPresentColumns(layout, image, out, 'after');
  const absent = layout.fieldNames.length - present;
  if (absent === 0 && unchanged.length === 0) return out;
  const listed = new Set(unchanged);
  for (const name of listed) {
    const i = layout.columnIndex.get(name);
    if (i === undefined) throw imageError(layout, `unchangedColumns names ${JSON.stringify(name)}, which is not a column`);
    if (readColumn(layout, image, i) !== undefined) {
      throw imageError(layout, `column ${JSON.stringify(name)} is in unchangedColumns but also has a value in after`);
    }
  }
  if (listed.size !== unchanged.length) throw imageError(layout, 'unchangedColumns lists a column twice');
  if (absent !== listed.size) {
    const missing = layout.columnNames.filter((n, i) => readColumn(layout, image, i) === undefined && !listed.has(n));
    throw imageError(layout, `after lacks columns not listed in unchangedColumns: ${JSON.stringify(missing)}`);
  }
  return out;
}

/** `before`, either complete or holding exactly the key columns (keyOnly). */
export function beforeImageToAvro(layout: RowLayout, image: RowImage): { avro: Record<string, unknown>; keyOnly: boolean } {
  const avro: Record<string, unknown> = {};
  const present = convertPresentColumns(layout, image, avro, 'before');
  if (present === layout.fieldNames.length) return { avro, keyOnly: false };
  const missingKeys = layout.table.key.filter((name) => readColumn(layout, image, layout.columnIndex.get(name) ?? -1) === undefined);
  if (present !== layout.keyNames.size || missingKeys.length > 0) {
    throw imageError(
      layout,
      `before must hold every column or exactly the key columns ${JSON.stringify(layout.table.key)}; ` +
        `it holds ${JSON.stringify(layout.columnNames.filter((_, i) => readColumn(layout, image, i) !== undefined))}`,
    );
  }
  return { avro, keyOnly: true };
}

/**
 * The RowImage of an avsc row record. `onlyColumns`: keep just these (a key-only before image);
 * `skipColumns`: leave these out (unchanged columns of after). Other columns are present, null or not.
 */
export function rowImageFromAvro(
  layout: RowLayout,
  record: Record<string, unknown>,
  onlyColumns: ReadonlySet<string> | undefined,
  skipColumns: ReadonlySet<string> | undefined,
): RowImage {
  const image: RowImage = {};
  const { columnNames, fieldNames, codecs } = layout;
  for (let i = 0; i < columnNames.length; i++) {
    const name = columnNames[i] as string;
    if (onlyColumns !== undefined && !onlyColumns.has(name)) continue;
    if (skipColumns !== undefined && skipColumns.has(name)) continue;
    const avro = record[fieldNames[i] as string];
    const value: Value | null = avro === null || avro === undefined ? null : (codecs[i] as ValueCodec).fromAvro(avro);
    if (layout.inherited[i] === true) {
      Object.defineProperty(image, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      image[name] = value;
    }
  }
  return image;
}

function checkNoUnknownColumns(layout: RowLayout, image: RowImage, part: ImagePart): void {
  const unknown = Object.keys(image).filter((name) => !layout.columnIndex.has(name) && image[name] !== undefined);
  if (unknown.length > 0) {
    throw imageError(layout, `${part} holds values for columns the table version does not have: ${JSON.stringify(unknown)}`);
  }
}

function valueError(layout: RowLayout, part: ImagePart, i: number, value: unknown, reason: string): TandemError {
  const column = layout.table.columns[i];
  return new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `Cannot encode column ${JSON.stringify(column?.name)} (${column?.sourceType}) of table ${describeTable(layout.table)} ` +
      `on node ${JSON.stringify(layout.table.node)} in ${part}: ${reason}; got ${describeValue(value)}.`,
  );
}

function imageError(layout: RowLayout, problem: string): TandemError {
  return new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `Cannot encode a change event of table ${describeTable(layout.table)} on node ${JSON.stringify(layout.table.node)}: ${problem}.`,
  );
}
