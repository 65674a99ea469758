/**
 * Writer schemas: one Avro schema per table version — the envelope template (schemas/envelope.avsc)
 * with that version's row record, in the table's own namespace — plus everything derived from it once:
 * canonical form, CRC-64-AVRO fingerprint, avsc type, single-object header and row layout.
 *
 * Custom attributes are not part of the canonical form, so two versions of a table differing only in
 * what they hold ("tandem.type" int16 vs int32, sourceType, notNull, key) would share a fingerprint and
 * overwrite each other in the schema topic. The builder therefore appends a zero-byte field of type
 * null named tandemSchemaId_<digest of the table version's structural key>: the fingerprint differs
 * exactly when the table version does, and the field costs nothing on the wire. An evolved reader
 * skips the writer's id field and fills its own with its default (null).
 *
 * Envelope layouts: writers always use the current one (ENVELOPE_LAYOUT). Events written with an
 * older layout stay readable: writerSchemaFromJson rebuilds a stored schema with the layout it was
 * written with, so its fingerprint still matches. Such writer schemas are for decoding only.
 */
import { createHash } from 'node:crypto';
import avsc from 'avsc';
import type { Type } from 'avsc';
import { ErrorCodes, TandemError } from '../errors.js';
import type { TableSchema } from '../model/table.js';
import { bigintLongHook } from './bigint-long.js';
import { parsingCanonicalForm } from './canonical-form.js';
import { crc64Avro, fingerprintToHex } from './crc64-avro.js';
import { rowRecordSchema, tableNamespace } from './row-record.js';
import { buildRowLayout, type RowLayout } from './row-layout.js';
import { encodeSingleObjectHeader } from './single-object.js';
import {
  envelopeBlockDefinitions,
  envelopeTemplateCopy,
  ROW_PLACEHOLDER,
  type JsonObject,
} from './schema-templates.js';
import { checkTableSchema, describeTable, tableStructureKey } from './table-structure.js';

/**
 * The envelope layouts, oldest first; each name is also hashed into the schema id field. Add one (and
 * teach buildWriterSchema and layoutOfEnvelope to tell it apart) whenever the envelope changes, so new
 * schemas never collide with old ones and old events stay readable.
 *   tandem-avro-1: the envelope without the version field.
 *   tandem-avro-2: with the version field (io.tandem.RowVersion, default null).
 */
export type EnvelopeLayout = 'tandem-avro-1' | 'tandem-avro-2';
/** The layout encodeChangeEvent writes. */
export const ENVELOPE_LAYOUT: EnvelopeLayout = 'tandem-avro-2';
export const SCHEMA_ID_FIELD_PREFIX = 'tandemSchemaId_';
/** The envelope field holding the row version (absent from tandem-avro-1 envelopes). */
export const VERSION_FIELD = 'version';

export interface WriterSchema {
  /** CRC-64-AVRO of canonicalJson, unsigned. */
  readonly fingerprint: bigint;
  /** fingerprint as 16 lower-case hex digits, most significant first: the schema topic key. */
  readonly fingerprintHex: string;
  /** Parsing Canonical Form. */
  readonly canonicalJson: string;
  /** The full schema, with docs and tandem.* attributes: what the schema topic stores. */
  readonly schemaJson: string;
  readonly type: Type;
  /** The table version (normalised, frozen). */
  readonly table: TableSchema;
  /** The table version's structural key (see tableStructureKey). */
  readonly structureKey: string;
  /** C3 01 + fingerprint (8 bytes little-endian). */
  readonly header: Buffer;
  readonly rowLayout: RowLayout;
  /** The envelope layout; only ENVELOPE_LAYOUT writers can encode, older ones only decode. */
  readonly envelopeLayout: EnvelopeLayout;
}

/** Builds the writer schema of a table version (prefer WriterSchemaCache.writerFor). */
export function buildWriterSchema(table: TableSchema, layout: EnvelopeLayout = ENVELOPE_LAYOUT): WriterSchema {
  const checked = checkTableSchema(table);
  // The memoised key string itself, so encodeChangeEvent's table check is usually a pointer comparison.
  const structureKey = tableStructureKey(table);
  const namespace = tableNamespace(checked);
  const envelope = envelopeTemplateCopy();
  if (layout === 'tandem-avro-1') {
    envelope['fields'] = (envelope['fields'] as JsonObject[]).filter((field) => field['name'] !== VERSION_FIELD);
  }
  envelope['namespace'] = namespace;
  envelope['doc'] = `Change event of the ${checked.engine} table ${describeTable(checked)} (node ${JSON.stringify(checked.node)}, database ${JSON.stringify(checked.database)}). ${String(envelope['doc'])}`;
  const row = rowRecordSchema(checked, namespace);
  const definitions = envelopeBlockDefinitions();
  definitions.set(ROW_PLACEHOLDER, row);
  const inlined = new Set<string>();
  envelope['fields'] = (envelope['fields'] as JsonObject[]).map((field) => ({
    ...field,
    type: inlineNamedTypes(field['type'], definitions, inlined),
  }));
  const digest = createHash('sha256').update(`${layout}\n${structureKey}`).digest('hex').slice(0, 32);
  (envelope['fields'] as JsonObject[]).push({
    name: `${SCHEMA_ID_FIELD_PREFIX}${digest}`,
    type: 'null',
    default: null,
    doc: 'Always null, zero bytes on the wire. Its name identifies the table version (a digest of its tandem.* attributes), so schemas of different table versions never share a fingerprint.',
  });

  const canonicalJson = parsingCanonicalForm(envelope);
  const fingerprint = crc64Avro(canonicalJson);
  let type: Type;
  try {
    type = avsc.Type.forSchema(envelope as avsc.Schema, { wrapUnions: 'never', typeHook: bigintLongHook });
  } catch (cause) {
    throw new TandemError(
      ErrorCodes.AVRO_SCHEMA,
      `Cannot build the Avro schema of table ${describeTable(checked)}: ${cause instanceof Error ? cause.message : String(cause)}.`,
      { cause },
    );
  }
  return Object.freeze({
    fingerprint,
    fingerprintHex: fingerprintToHex(fingerprint),
    canonicalJson,
    schemaJson: JSON.stringify(envelope),
    type,
    table: checked,
    structureKey,
    header: encodeSingleObjectHeader(fingerprint),
    rowLayout: buildRowLayout(checked),
    envelopeLayout: layout,
  });
}

/** The layout a (stored) envelope schema was written with, told apart by its fields. */
export function layoutOfEnvelope(envelope: unknown): EnvelopeLayout {
  const fields = (envelope as { fields?: unknown } | null)?.fields;
  const hasVersion = Array.isArray(fields) && fields.some((f) => (f as { name?: unknown } | null)?.name === VERSION_FIELD);
  return hasVersion ? 'tandem-avro-2' : 'tandem-avro-1';
}

/**
 * Replaces references to the given named types (full names) by their definitions: in full at the
 * first reference, by the definition's full name afterwards. Only type positions are visited.
 */
function inlineNamedTypes(schema: unknown, definitions: Map<string, JsonObject>, used: Set<string>): unknown {
  if (typeof schema === 'string') {
    const definition = definitions.get(schema);
    if (definition === undefined) return schema;
    if (used.has(schema)) return fullNameOf(definition);
    used.add(schema);
    return inlineNamedTypes(definition, definitions, used);
  }
  if (Array.isArray(schema)) return schema.map((branch) => inlineNamedTypes(branch, definitions, used));
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: JsonObject = { ...(schema as JsonObject) };
  if (Array.isArray(copy['fields'])) {
    copy['fields'] = (copy['fields'] as JsonObject[]).map((f) => ({ ...f, type: inlineNamedTypes(f['type'], definitions, used) }));
  }
  if (copy['items'] !== undefined) copy['items'] = inlineNamedTypes(copy['items'], definitions, used);
  if (copy['values'] !== undefined) copy['values'] = inlineNamedTypes(copy['values'], definitions, used);
  if (typeof copy['type'] !== 'string') copy['type'] = inlineNamedTypes(copy['type'], definitions, used);
  return copy;
}

function fullNameOf(definition: JsonObject): string {
  const name = String(definition['name']);
  const namespace = definition['namespace'];
  return name.includes('.') || typeof namespace !== 'string' || namespace === '' ? name : `${namespace}.${name}`;
}

/**
 * Writer schemas by table version. `writerFor` returns the same WriterSchema for structurally equal
 * TableSchemas; a repeated call with the same TableSchema object is a WeakMap lookup. Entries are kept
 * for the life of the cache (one per table version and layout seen). Writer schemas of older envelope
 * layouts (only ever asked for to decode old events) are kept apart, so `writerFor(table)` never
 * returns one.
 */
export class WriterSchemaCache {
  private readonly byObject = new WeakMap<TableSchema, WriterSchema>();
  private readonly byStructure = new Map<string, WriterSchema>();
  /** Older layouts, by layout + structural key. */
  private readonly older = new Map<string, WriterSchema>();

  writerFor(table: TableSchema, layout: EnvelopeLayout = ENVELOPE_LAYOUT): WriterSchema {
    if (layout !== ENVELOPE_LAYOUT) return this.olderWriterFor(table, layout);
    const known = this.byObject.get(table);
    if (known !== undefined) return known;
    const key = tableStructureKey(table);
    let writer = this.byStructure.get(key);
    if (writer === undefined) {
      writer = buildWriterSchema(table);
      this.byStructure.set(key, writer);
      this.byObject.set(writer.table, writer);
    }
    this.byObject.set(table, writer);
    return writer;
  }

  private olderWriterFor(table: TableSchema, layout: EnvelopeLayout): WriterSchema {
    const key = `${layout}\n${tableStructureKey(table)}`;
    let writer = this.older.get(key);
    if (writer === undefined) {
      writer = buildWriterSchema(table, layout);
      this.older.set(key, writer);
    }
    return writer;
  }

  /** Every writer schema built so far (e.g. to republish them), older layouts included. */
  writers(): WriterSchema[] {
    return [...this.byStructure.values(), ...this.older.values()];
  }
}
