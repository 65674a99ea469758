import type pg from 'pg';
import { isTandemError } from '../errors.js';
import { PgTypeCatalog } from '../postgres/type-catalog.js';
import type { TableName } from './link-routes.js';
import type { TargetColumn, TargetTable } from './target-table.js';

/*
 * Columns with their domain-resolved base type and effective typmod (a domain's own typmod applies to
 * its base type), the spelling for messages, and the type to cast text parameters to: its own
 * schema-qualified name, without modifier (format_type(oid, NULL) would say "character", which as a
 * cast means character(1) and truncates).
 */
const COLUMNS_SQL = `
WITH RECURSIVE cols AS (
  SELECT a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attgenerated, a.attidentity
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
), base(attnum, oid, typmod, depth) AS (
  SELECT attnum, atttypid, atttypmod, 0 FROM cols
  UNION ALL
  SELECT b.attnum, t.typbasetype, CASE WHEN t.typtypmod >= 0 THEN t.typtypmod ELSE b.typmod END, b.depth + 1
    FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.oid
   WHERE t.typtype = 'd' AND b.depth < 32
)
SELECT c.attname AS name, c.atttypid::int AS type_oid, c.atttypmod AS typmod, c.attnotnull AS not_null,
       c.attgenerated <> '' AS generated, c.attidentity AS identity,
       pg_catalog.format_type(c.atttypid, c.atttypmod) AS sql_type,
       pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.typname) AS cast_type,
       bt.typname AS base_name, b.typmod AS base_typmod
  FROM cols c
  JOIN LATERAL (SELECT * FROM base WHERE base.attnum = c.attnum ORDER BY depth DESC LIMIT 1) b ON true
  JOIN pg_catalog.pg_type bt ON bt.oid = b.oid
  JOIN pg_catalog.pg_type t ON t.oid = c.atttypid
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
 ORDER BY c.attnum`;

const KEYS_SQL = `
SELECT i.indisprimary AS is_primary,
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indimmediate AND i.indisvalid
   AND i.indpred IS NULL AND i.indexprs IS NULL
 ORDER BY i.indisprimary DESC, i.indexrelid`;

/** Reads a PostgreSQL target table from the catalog, or undefined when it does not exist. */
export async function readPgTargetTable(client: pg.Client, name: TableName): Promise<TargetTable | undefined> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query("SET LOCAL search_path = pg_catalog");
    const columns = (await client.query(COLUMNS_SQL, [name.schema, name.table])).rows;
    if (columns.length === 0) return undefined;
    const keys = (await client.query(KEYS_SQL, [name.schema, name.table])).rows;
    const types = new PgTypeCatalog(client);
    const out = new Map<string, TargetColumn>();
    let identityAlways = false;
    for (const row of columns) {
      const column: TargetColumn = {
        name: String(row.name),
        type: undefined,
        sqlType: String(row.sql_type),
        castType: String(row.cast_type),
        notNull: row.not_null === true,
        generated: row.generated === true,
        ...typmodFacts(String(row.base_name), Number(row.base_typmod)),
      };
      if (row.identity === 'a') identityAlways = true;
      try {
        column.type = (await types.resolve(Number(row.type_oid), Number(row.typmod), column.name)).type;
      } catch (error) {
        if (!isTandemError(error)) throw error;
        column.refused = `Tandem cannot write ${column.sqlType} columns`;
      }
      out.set(column.name, column);
    }
    const uniqueKeys = keys.map((k) => k.columns as string[]);
    const primary = keys.find((k) => k.is_primary === true);
    return { name, columns: out, primaryKey: primary ? (primary.columns as string[]) : [], uniqueKeys, identityAlways };
  } finally {
    await client.query('COMMIT').catch(() => undefined);
  }
}

/** What the (domain-resolved) typmod says about exactness: fraction digits, numeric scale, interval fields. */
function typmodFacts(baseName: string, typmod: number): Partial<TargetColumn> {
  switch (baseName) {
    case 'time':
    case 'timetz':
    case 'timestamp':
    case 'timestamptz':
      return typmod >= 0 ? { fractionDigits: typmod } : {};
    case 'interval': {
      if (typmod < 0) return {};
      const precision = typmod & 0xffff;
      const range = (typmod >> 16) & 0x7fff;
      return { ...(precision !== 0xffff ? { fractionDigits: precision } : {}), ...(range !== 0x7fff ? { intervalRange: range } : {}) };
    }
    case 'numeric': {
      if (typmod < 4) return {};
      const precision = ((typmod - 4) >> 16) & 0xffff;
      const scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
      return { numericPrecision: precision, numericScale: scale };
    }
    default:
      return {};
  }
}
