/**
 * The Avro record for the rows of one table version, and the way back: recovering the TableSchema from
 * a writer schema's row record. Avro field names are the name-encoded column names; everything Avro
 * cannot express is kept in custom attributes (ignored by Avro readers, not part of the canonical form):
 *
 * - on the record: "tandem.table" {node, engine, database, schema, table}, "tandem.key" [column names]
 * - on each field: "tandem.column" (original name), "tandem.type" (the LogicalType as JSON),
 *   "tandem.sourceType", "tandem.notNull"
 *
 * Every field is ["null", ...] with default null, so a reader with an added column reads old events.
 */
import { ErrorCodes, TandemError } from '../errors.js';
import type { ColumnDef, Engine, TableSchema } from '../model/table.js';
import { encodeAvroName } from './avro-names.js';
import { avroBranchesFor, NamedTypeUse } from './logical-type-schema.js';
import { checkTableSchema, describeTable } from './table-structure.js';
import type { JsonObject } from './schema-templates.js';

export const RowAttributes = {
  table: 'tandem.table',
  key: 'tandem.key',
  column: 'tandem.column',
  type: 'tandem.type',
  sourceType: 'tandem.sourceType',
  notNull: 'tandem.notNull',
} as const;

/** io.tandem.<node>.<database>.<schema>.<table>, each part name-encoded: unique per table. */
export function tableNamespace(table: TableSchema): string {
  return ['io', 'tandem', table.node, table.database, table.schema, table.table]
    .map((part, i) => (i < 2 ? part : encodeAvroName(part)))
    .join('.');
}

/** The row record of a (checked) table version, named `<namespace>.Row`. */
export function rowRecordSchema(table: TableSchema, namespace: string): JsonObject {
  const named = new NamedTypeUse();
  return {
    type: 'record',
    name: `${namespace}.Row`,
    doc: `A row of the ${table.engine} table ${describeTable(table)} (node ${JSON.stringify(table.node)}, database ${JSON.stringify(table.database)}).`,
    [RowAttributes.table]: {
      node: table.node,
      engine: table.engine,
      database: table.database,
      schema: table.schema,
      table: table.table,
    },
    [RowAttributes.key]: table.key,
    fields: table.columns.map((column) => ({
      name: encodeAvroName(column.name),
      type: ['null', ...avroBranchesFor(column.type, named)],
      default: null,
      doc: `Column ${JSON.stringify(column.name)} ${column.sourceType}${column.notNull ? ' NOT NULL' : ''}${table.key.includes(column.name) ? ' (key)' : ''}.`,
      [RowAttributes.column]: column.name,
      [RowAttributes.type]: column.type,
      [RowAttributes.sourceType]: column.sourceType,
      [RowAttributes.notNull]: column.notNull,
    })),
  };
}

/** The TableSchema a row record written by rowRecordSchema describes (checked and normalised). */
export function tableFromRowRecord(row: unknown): TableSchema {
  if (!isObject(row) || !Array.isArray(row['fields'])) throw malformed('the row record has no fields');
  const identity = row[RowAttributes.table];
  if (!isObject(identity)) throw malformed(`the row record has no "${RowAttributes.table}" attribute`);
  const key = row[RowAttributes.key];
  if (!Array.isArray(key)) throw malformed(`the row record has no "${RowAttributes.key}" attribute`);
  const columns = (row['fields'] as unknown[]).map((field): ColumnDef => {
    if (!isObject(field)) throw malformed('a row field is not an object');
    const name = field[RowAttributes.column];
    if (typeof name !== 'string' || encodeAvroName(name) !== field['name']) {
      throw malformed(`the field ${JSON.stringify(field['name'])} has no matching "${RowAttributes.column}"`);
    }
    return {
      name,
      type: field[RowAttributes.type] as ColumnDef['type'],
      sourceType: field[RowAttributes.sourceType] as string,
      notNull: field[RowAttributes.notNull] as boolean,
    };
  });
  try {
    return checkTableSchema({
      node: identity['node'] as string,
      engine: identity['engine'] as Engine,
      database: identity['database'] as string,
      schema: identity['schema'] as string,
      table: identity['table'] as string,
      columns,
      key: key as string[],
    });
  } catch (cause) {
    throw malformed(cause instanceof Error ? cause.message : String(cause), cause);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(problem: string, cause?: unknown): TandemError {
  return new TandemError(ErrorCodes.AVRO_DECODE, `The writer schema's row record is not one Tandem wrote: ${problem}`, {
    cause,
  });
}
