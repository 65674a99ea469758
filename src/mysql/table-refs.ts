import { splitQualifiedName } from '../config/qualified-name.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { TableRef } from './table-catalog.js';

/**
 * Parses a configured MySQL table name: "database.table", or "table" in the connection's database.
 * Names holding dots or back-quotes are written in back-quotes, as in SQL: `my.db`.`odd``name`.
 */
export function parseMysqlTableRef(text: string, defaultDatabase: string): TableRef {
  let parts: string[];
  try {
    parts = splitQualifiedName(text, '`');
  } catch (problem) {
    throw badRef(text, (problem as Error).message);
  }
  if (parts.length === 1 && parts[0]) {
    if (!defaultDatabase) throw badRef(text, 'no database, and the connection names none');
    return { database: defaultDatabase, table: parts[0] };
  }
  if (parts.length === 2 && parts[0] && parts[1]) return { database: parts[0], table: parts[1] };
  throw badRef(text, `${parts.length} name parts`);
}

function badRef(text: string, problem: string): TandemError {
  return new TandemError(
    ErrorCodes.CONFIG_INVALID,
    `table "${text}" has ${problem}; write MySQL tables as database.table (or table, in the connection's database), back-quoting names that hold dots`,
  );
}
