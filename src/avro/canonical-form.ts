/**
 * Parsing Canonical Form (PCF) of an Avro schema, per the Avro specification ("Parsing Canonical Form
 * for Schemas"). Two schemas with the same PCF read and write the same bytes; the schema fingerprint is
 * computed over it. The transformations, applied here in one pass over the parsed JSON schema:
 *
 * - PRIMITIVES: `{"type":"int", ...}` becomes `"int"` (logical type attributes are dropped with it).
 * - FULLNAMES: every named type's `name` and every reference becomes a full name; `namespace` is dropped.
 * - STRIP: only `name`, `type`, `fields`, `symbols`, `items`, `values`, `size` are kept (no `doc`,
 *   `aliases`, `default`, `order`, `logicalType`, `precision`, `scale`, or custom attributes).
 * - ORDER: attributes appear in the order name, type, fields, symbols, items, values, size.
 * - STRINGS / INTEGERS / WHITESPACE: JSON text with minimal escapes, plain integers, no whitespace.
 *
 * A named type is written in full where it first appears (depth-first, in document order) and by full
 * name afterwards, exactly as in the input.
 */
import { ErrorCodes, TandemError } from '../errors.js';

const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

const NAMED_TYPES: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed']);

/** The Parsing Canonical Form of a parsed JSON Avro schema. */
export function parsingCanonicalForm(schema: unknown): string {
  return canonical(schema, '', new Set<string>());
}

function canonical(schema: unknown, enclosingNamespace: string, defined: Set<string>): string {
  if (typeof schema === 'string') {
    return JSON.stringify(resolveReference(schema, enclosingNamespace, defined));
  }
  if (Array.isArray(schema)) {
    return `[${schema.map((branch) => canonical(branch, enclosingNamespace, defined)).join(',')}]`;
  }
  if (!isObject(schema)) {
    throw invalid(`a schema must be a string, an array or an object, got ${JSON.stringify(schema)}`);
  }
  const type = schema['type'];
  if (typeof type !== 'string') {
    // {"type": {...}} or {"type": [...]}: the attribute holds the schema itself.
    return canonical(type, enclosingNamespace, defined);
  }
  if (PRIMITIVE_TYPES.has(type)) {
    return JSON.stringify(type);
  }
  if (NAMED_TYPES.has(type)) {
    return canonicalNamedType(schema, type, enclosingNamespace, defined);
  }
  if (type === 'array') {
    return `{"type":"array","items":${canonical(schema['items'], enclosingNamespace, defined)}}`;
  }
  if (type === 'map') {
    return `{"type":"map","values":${canonical(schema['values'], enclosingNamespace, defined)}}`;
  }
  // {"type": "some.Named"}: a reference written as an object.
  return JSON.stringify(resolveReference(type, enclosingNamespace, defined));
}

function canonicalNamedType(
  schema: Record<string, unknown>,
  type: string,
  enclosingNamespace: string,
  defined: Set<string>,
): string {
  const fullName = fullNameOf(schema, enclosingNamespace);
  if (defined.has(fullName)) {
    throw invalid(`the named type ${fullName} is defined twice`);
  }
  defined.add(fullName);
  const ownNamespace = namespaceOf(fullName);
  const head = `{"name":${JSON.stringify(fullName)},"type":${JSON.stringify(type)}`;
  if (type === 'enum') {
    const symbols = schema['symbols'];
    if (!Array.isArray(symbols)) throw invalid(`enum ${fullName} has no symbols array`);
    return `${head},"symbols":[${symbols.map((s) => JSON.stringify(String(s))).join(',')}]}`;
  }
  if (type === 'fixed') {
    const size = schema['size'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw invalid(`fixed ${fullName} has an invalid size ${JSON.stringify(size)}`);
    }
    return `${head},"size":${size}}`;
  }
  const fields = schema['fields'];
  if (!Array.isArray(fields)) throw invalid(`record ${fullName} has no fields array`);
  const parts = fields.map((field: unknown) => {
    if (!isObject(field) || typeof field['name'] !== 'string') {
      throw invalid(`record ${fullName} has a field without a name`);
    }
    const fieldType = canonical(field['type'], ownNamespace, defined);
    return `{"name":${JSON.stringify(field['name'])},"type":${fieldType}}`;
  });
  return `${head},"fields":[${parts.join(',')}]}`;
}

function fullNameOf(schema: Record<string, unknown>, enclosingNamespace: string): string {
  const name = schema['name'];
  if (typeof name !== 'string' || name === '') {
    throw invalid(`a named type has no name: ${JSON.stringify(schema)}`);
  }
  if (name.includes('.')) return name;
  const namespace = schema['namespace'];
  const space = typeof namespace === 'string' ? namespace : enclosingNamespace;
  return space === '' ? name : `${space}.${name}`;
}

function namespaceOf(fullName: string): string {
  const lastDot = fullName.lastIndexOf('.');
  return lastDot < 0 ? '' : fullName.slice(0, lastDot);
}

function resolveReference(name: string, enclosingNamespace: string, defined: Set<string>): string {
  if (PRIMITIVE_TYPES.has(name)) return name;
  if (name.includes('.')) {
    if (defined.has(name)) return name;
  } else {
    const qualified = enclosingNamespace === '' ? name : `${enclosingNamespace}.${name}`;
    if (defined.has(qualified)) return qualified;
    if (defined.has(name)) return name;
  }
  throw invalid(`the type name ${name} is used before it is defined`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): TandemError {
  return new TandemError(ErrorCodes.AVRO_SCHEMA, `Invalid Avro schema: ${detail}.`);
}
