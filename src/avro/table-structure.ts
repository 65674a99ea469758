/**
 * TableSchema validation, its normalised form, and the structural key that identifies a table version
 * (equal keys <=> same node, engine, database, schema, table, columns and key).
 */
import { ErrorCodes, TandemError } from '../errors.js';
import type { ColumnDef, Engine, TableSchema } from '../model/table.js';
import { isWellFormedUnicode } from './avro-names.js';
import { checkLogicalType } from './logical-type-check.js';

const ENGINES: ReadonlySet<string> = new Set<Engine>(['postgres', 'mysql']);

/** `"schema"."table"` with JSON quoting, for messages. */
export function describeTable(table: Pick<TableSchema, 'schema' | 'table'>): string {
  return `${JSON.stringify(table.schema)}.${JSON.stringify(table.table)}`;
}

/**
 * A frozen copy of `table` with exactly the TableSchema properties in a fixed order, or a TandemError
 * AVRO_SCHEMA saying what is wrong (bad engine, duplicate column, key naming an unknown column, ...).
 */
export function checkTableSchema(table: TableSchema): TableSchema {
  const where = `table ${describeTable(table)}`;
  const fail = (problem: string): TandemError =>
    new TandemError(ErrorCodes.AVRO_SCHEMA, `Invalid table schema for ${where}: ${problem}.`);
  for (const part of ['node', 'database', 'schema', 'table'] as const) {
    const value: unknown = table[part];
    if (typeof value !== 'string' || !isWellFormedUnicode(value)) throw fail(`${part} must be a well-formed string`);
  }
  if (!ENGINES.has(table.engine)) throw fail(`unknown engine ${JSON.stringify(table.engine)}`);
  if (!Array.isArray(table.columns)) throw fail('columns must be an array');
  const seen = new Set<string>();
  const columns = table.columns.map((column: ColumnDef): ColumnDef => {
    const name: unknown = column.name;
    if (typeof name !== 'string' || !isWellFormedUnicode(name)) throw fail('a column name is not a well-formed string');
    if (seen.has(name)) throw fail(`duplicate column ${JSON.stringify(name)}`);
    seen.add(name);
    if (typeof column.sourceType !== 'string') throw fail(`column ${JSON.stringify(name)} has no sourceType`);
    if (typeof column.notNull !== 'boolean') throw fail(`column ${JSON.stringify(name)} has no boolean notNull`);
    const type = checkLogicalType(column.type, `column ${JSON.stringify(name)} of ${where}`);
    return Object.freeze({ name, type: deepFreeze(type), sourceType: column.sourceType, notNull: column.notNull });
  });
  if (!Array.isArray(table.key)) throw fail('key must be an array of column names');
  const keySeen = new Set<string>();
  for (const keyColumn of table.key) {
    if (!seen.has(keyColumn)) throw fail(`key column ${JSON.stringify(keyColumn)} is not a column`);
    if (keySeen.has(keyColumn)) throw fail(`key column ${JSON.stringify(keyColumn)} is listed twice`);
    keySeen.add(keyColumn);
  }
  return Object.freeze({
    node: table.node,
    engine: table.engine,
    database: table.database,
    schema: table.schema,
    table: table.table,
    columns: Object.freeze(columns) as ColumnDef[],
    key: Object.freeze([...table.key]) as string[],
  });
}

const structureKeys = new WeakMap<TableSchema, string>();

/**
 * The structural key of a table version: the JSON of its normalised form. Memoised per TableSchema
 * object, which Tandem treats as immutable (a changed table is a new TableSchema version).
 */
export function tableStructureKey(table: TableSchema): string {
  let key = structureKeys.get(table);
  if (key === undefined) {
    key = JSON.stringify(checkTableSchema(table));
    structureKeys.set(table, key);
  }
  return key;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
