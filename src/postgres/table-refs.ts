import { splitQualifiedName } from '../config/qualified-name.js';
import { ErrorCodes, TandemError } from '../errors.js';

export interface TableRef {
  schema: string;
  table: string;
}

/**
 * Parses a configured table name: "schema.table", or "table" meaning schema `defaultSchema`.
 * Names with dots or quotes are written in double quotes, as in SQL: `"my schema"."odd.table"`.
 */
export function parseTableRef(text: string, defaultSchema: string): TableRef {
  let parts: string[];
  try {
    parts = splitQualifiedName(text, '"');
  } catch (problem) {
    throw badRef(text, (problem as Error).message);
  }
  if (parts.length === 1 && parts[0]) return { schema: defaultSchema, table: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { schema: parts[0], table: parts[1] };
  throw badRef(text, `${parts.length} name parts`);
}

function badRef(text: string, problem: string): TandemError {
  return new TandemError(
    ErrorCodes.CONFIG_INVALID,
    `table "${text}" has ${problem}; write tables as schema.table, quoting names that hold dots or quotes ("my schema"."my.table")`,
  );
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(ref: TableRef): string {
  return `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
}
