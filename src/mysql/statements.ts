/**
 * Just enough of MySQL's SQL lexer to sort the statements a binlog QUERY event carries and to find
 * which tables they name: comments are skipped (the bodies of versioned comments `/*!50100 … *\/` and
 * `/*M!100100 … *\/` count as code, as the server runs them), strings are skipped, identifiers are
 * bare or back-quoted, `db.table` pairs are joined.
 */
export type StatementKind = 'begin' | 'commit' | 'rollback' | 'xa' | 'ddl' | 'truncate' | 'dml' | 'other';

export interface Token {
  kind: 'word' | 'quoted' | 'dot' | 'other';
  text: string;
}

export function tokenize(sql: string, limit = Number.POSITIVE_INFINITY): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n && tokens.length < limit) {
    const ch = sql[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
    } else if (ch === '#' || (ch === '-' && sql[i + 1] === '-' && (sql[i + 2] === ' ' || sql[i + 2] === '\t' || sql[i + 2] === '\n'))) {
      while (i < n && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const versioned = sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!');
      if (versioned) {
        i += sql[i + 2] === '!' ? 3 : 4;
        while (i < n && sql[i]! >= '0' && sql[i]! <= '9') i++;
      } else {
        const end = sql.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 2;
      }
    } else if (ch === '*' && sql[i + 1] === '/') {
      i += 2; // end of a versioned comment
    } else if (ch === '`') {
      let text = '';
      i++;
      while (i < n) {
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            text += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i++];
      }
      tokens.push({ kind: 'quoted', text });
    } else if (ch === "'" || ch === '"') {
      i++;
      while (i < n && sql[i] !== ch) i += sql[i] === '\\' ? 2 : 1;
      i++;
      tokens.push({ kind: 'other', text: ch });
    } else if (ch === '.') {
      tokens.push({ kind: 'dot', text: '.' });
      i++;
    } else if (isWordChar(ch)) {
      const start = i;
      while (i < n && isWordChar(sql[i]!)) i++;
      tokens.push({ kind: 'word', text: sql.slice(start, i) });
    } else {
      tokens.push({ kind: 'other', text: ch });
      i++;
    }
  }
  return tokens;
}

function isWordChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_' || ch === '$' || ch > '\u007f';
}

const DDL = new Set(['ALTER', 'CREATE', 'DROP', 'RENAME']);
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'LOAD']);

export function classifyStatement(sql: string): StatementKind {
  const words = tokenize(sql, 3).filter((t) => t.kind === 'word').map((t) => t.text.toUpperCase());
  const [first, second] = words;
  if (first === undefined) return 'other';
  if (first === 'BEGIN' || (first === 'START' && second === 'TRANSACTION')) return 'begin';
  if (first === 'COMMIT') return 'commit';
  if (first === 'ROLLBACK') return second === 'TO' ? 'other' : 'rollback';
  if (first === 'XA') return 'xa';
  if (first === 'TRUNCATE') return 'truncate';
  if (DDL.has(first)) return 'ddl';
  if (DML.has(first)) return 'dml';
  return 'other';
}

export interface NamedTable {
  database: string | undefined;
  table: string;
}

/** Every identifier and `db.table` pair in the statement: a superset of the tables it touches. */
export function namedTables(sql: string): NamedTable[] {
  const tokens = tokenize(sql);
  const out: NamedTable[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    const dot = tokens[i + 1];
    const next = tokens[i + 2];
    if (dot?.kind === 'dot' && next && (next.kind === 'word' || next.kind === 'quoted')) {
      out.push({ database: t.text, table: next.text });
      i += 2;
    } else {
      out.push({ database: undefined, table: t.text });
    }
  }
  return out;
}

/** The table of `TRUNCATE [TABLE] [db.]name`. */
export function truncatedTable(sql: string): NamedTable | undefined {
  const tokens = tokenize(sql, 8);
  let i = 1;
  if (tokens[i]?.kind === 'word' && tokens[i]!.text.toUpperCase() === 'TABLE') i++;
  const a = tokens[i];
  if (!a || (a.kind !== 'word' && a.kind !== 'quoted')) return undefined;
  const b = tokens[i + 2];
  if (tokens[i + 1]?.kind === 'dot' && b && (b.kind === 'word' || b.kind === 'quoted')) return { database: a.text, table: b.text };
  return { database: undefined, table: a.text };
}
