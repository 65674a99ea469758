/**
 * The hand-written schemas in schemas/ (envelope template, source block, transaction block), read once
 * when this module loads. Paths resolve relative to this module, so they work from src/ and from a build.
 */
import { readFileSync } from 'node:fs';
import { ErrorCodes, TandemError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

/** The placeholder the envelope template uses where the table's row record goes. */
export const ROW_PLACEHOLDER = 'io.tandem.Row';
export const SOURCE_TYPE_NAME = 'io.tandem.Source';
export const TRANSACTION_TYPE_NAME = 'io.tandem.Transaction';

function loadSchema(fileName: string): JsonObject {
  const url = new URL(`../../schemas/${fileName}`, import.meta.url);
  try {
    const parsed: unknown = JSON.parse(readFileSync(url, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the file does not hold a JSON object');
    }
    return parsed as JsonObject;
  } catch (cause) {
    throw new TandemError(ErrorCodes.AVRO_SCHEMA, `Cannot load the Avro schema ${url.pathname}: ${String(cause)}.`, {
      cause,
    });
  }
}

const envelopeTemplate = loadSchema('envelope.avsc');
const sourceSchema = loadSchema('source.avsc');
const transactionSchema = loadSchema('transaction.avsc');

/** A fresh deep copy of the envelope template (callers modify it). */
export function envelopeTemplateCopy(): JsonObject {
  return structuredClone(envelopeTemplate);
}

/** Fresh deep copies of the named types the envelope template references, by full name. */
export function envelopeBlockDefinitions(): Map<string, JsonObject> {
  return new Map([
    [SOURCE_TYPE_NAME, structuredClone(sourceSchema)],
    [TRANSACTION_TYPE_NAME, structuredClone(transactionSchema)],
  ]);
}
