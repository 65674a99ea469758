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
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let name = '';
      i++;
      for (;;) {
        if (i >= text.length) throw badRef(text, 'an unterminated double quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            name += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i++];
      }
      parts.push(name);
    } else {
      const dot = text.indexOf('.', i);
      const end = dot < 0 ? text.length : dot;
      parts.push(text.slice(i, end));
      i = end;
    }
    if (i < text.length) {
      if (text[i] !== '.') throw badRef(text, `an unexpected character at position ${i}`);
      i++;
      if (i === text.length) throw badRef(text, 'a trailing dot');
    }
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
