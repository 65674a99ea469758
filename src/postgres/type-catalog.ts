import type { QueryResult, QueryResultRow } from 'pg';
import { ErrorCodes, TandemError } from '../errors.js';
import type { LogicalType } from '../model/logical-type.js';
import { mapBuiltinType } from './types-builtin.js';

/** What a column's type resolves to: the engine-neutral type and PostgreSQL's own spelling of it. */
export interface ResolvedPgType {
  type: LogicalType;
  /** format_type(oid, typmod), schema-qualified for types outside pg_catalog: "numeric(12,2)", "public.mood[]". */
  sourceType: string;
}

/** One column to resolve: pgoutput Relation message's type OID and typmod; `name` names it in errors. */
export interface PgColumnTypeRef {
  typeOid: number;
  typeMod: number;
  /** For messages: the column name, or a qualified "public.orders.status". */
  name?: string;
}

/** The row of pg_type (plus a few derived facts) the resolution needs. */
export interface PgTypeInfo {
  oid: number;
  /** quote_ident(nspname), quote_ident(typname): "public", "\"char\"". */
  namespace: string;
  name: string;
  /** pg_type.typname as is. */
  typname: string;
  /** pg_type.typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange. */
  kind: string;
  /** The element type of a true array type (one whose element's typarray points back), else 0. */
  arrayElement: number;
  /** typdelim: the array-literal delimiter for arrays of this type. */
  delimiter: string;
  /** typbasetype and typtypmod of a domain. */
  domainBase: number;
  domainTypmod: number;
  /** pg_type_is_visible: format_type leaves the schema out when true. */
  visible: boolean;
  /** Enum labels in sort order (null for non-enums). */
  enumLabels: string[] | null;
}

/** Anything with pg's `query(text, values)`: a pg.Client, pg.PoolClient or pg.Pool. */
export interface PgQueryClient {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** Thrown by resolvePgType for a type that cannot be carried; the catalog turns it into a TandemError. */
export class RefusedType extends Error {}

/** The money probe has not run yet (see PgTypeCatalog). */
export class NeedMoneyScale extends Error {}

const MAX_DOMAIN_DEPTH = 32;

/**
 * Resolves (oid, typmod) with the type rows in `infos` (which must hold the oid, its array element and
 * domain bases). Pure: unit-testable without a database. Throws RefusedType (reason in the message) or
 * NeedMoneyScale.
 */
export function resolvePgType(
  infos: ReadonlyMap<number, PgTypeInfo>,
  oid: number,
  typmod: number,
  moneyScale: number | undefined,
  depth = 0,
): LogicalType {
  const info = infos.get(oid);
  if (info === undefined) throw new RefusedType(`type oid ${oid} does not exist in pg_type`);
  if (depth > MAX_DOMAIN_DEPTH) throw new RefusedType(`its domain chain is deeper than ${MAX_DOMAIN_DEPTH}`);
  if (info.kind === 'd') {
    // A domain column carries typmod -1; the domain's own typmod applies to its base type.
    return resolvePgType(infos, info.domainBase, info.domainTypmod >= 0 ? info.domainTypmod : typmod, moneyScale, depth + 1);
  }
  if (info.arrayElement !== 0) {
    const element = infos.get(info.arrayElement);
    if (element !== undefined && element.delimiter !== ',') {
      throw new RefusedType(`its element type ${element.namespace}.${element.name} uses the array delimiter "${element.delimiter}"`);
    }
    // An array column's typmod is its element's typmod (varchar(10)[] → 14).
    const elementType = resolvePgType(infos, info.arrayElement, typmod, moneyScale, depth + 1);
    if (elementType.kind === 'array') throw new RefusedType('it is an array of arrays');
    return { kind: 'array', element: elementType };
  }
  switch (info.kind) {
    case 'e':
      return { kind: 'enum', typeName: `${info.namespace}.${info.name}`, labels: [...(info.enumLabels ?? [])] };
    case 'c':
      throw new RefusedType('it is a composite (row) type, which Tandem does not carry');
    case 'p':
      throw new RefusedType('it is a pseudo-type');
    case 'r':
    case 'm':
      // Range/multirange text ("[1,5)", "{[2024-01-01,2024-02-01)}") is exact and re-readable.
      return { kind: 'string' };
  }
  if (info.namespace !== 'pg_catalog') {
    // A base type from an extension or CREATE TYPE (citext, hstore, ltree, geometry, vector, ...). Its
    // text output is, by PostgreSQL's contract (pg_dump depends on it), exact and re-readable.
    return { kind: 'string' };
  }
  const mapped = mapBuiltinType(info.typname, typmod, moneyScale);
  if (mapped === 'need-money-scale') throw new NeedMoneyScale();
  if ('refused' in mapped) throw new RefusedType(mapped.refused);
  return mapped.type;
}

/** format_type's text, qualified with the schema when format_type left it out (the type is visible). */
export function qualifySourceType(infos: ReadonlyMap<number, PgTypeInfo>, oid: number, formatted: string): string {
  const info = infos.get(oid);
  if (info === undefined) return formatted;
  const named = info.arrayElement !== 0 ? (infos.get(info.arrayElement) ?? info) : info;
  if (named.namespace === 'pg_catalog' || !named.visible) return formatted;
  return `${named.namespace}.${formatted}`;
}

const TYPES_SQL = `
WITH RECURSIVE closure(oid) AS (
  SELECT unnest($1::pg_catalog.oid[])
  UNION
  SELECT x.oid FROM closure c
    JOIN pg_catalog.pg_type t ON t.oid = c.oid
    CROSS JOIN LATERAL (VALUES (t.typelem), (t.typbasetype)) AS x(oid)
  WHERE x.oid <> 0
)
SELECT t.oid AS oid,
       pg_catalog.quote_ident(n.nspname) AS namespace,
       pg_catalog.quote_ident(t.typname) AS name,
       t.typname AS typname,
       t.typtype AS kind,
       CASE WHEN t.typelem <> 0 AND EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)
            THEN t.typelem ELSE 0 END AS array_element,
       t.typdelim AS delimiter,
       t.typbasetype AS domain_base,
       t.typtypmod AS domain_typmod,
       pg_catalog.pg_type_is_visible(t.oid) AS visible,
       CASE WHEN t.typtype = 'e' THEN pg_catalog.to_json(ARRAY(
         SELECT l.enumlabel FROM pg_catalog.pg_enum l WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder))::text END AS labels
FROM closure c
JOIN pg_catalog.pg_type t ON t.oid = c.oid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace`;

const FORMAT_SQL = `
SELECT q.oid AS oid, q.typmod AS typmod, pg_catalog.format_type(q.oid, q.typmod) AS formatted
FROM unnest($1::pg_catalog.oid[], $2::pg_catalog.int4[]) AS q(oid, typmod)`;

// cash_numeric divides the stored count by 10^frac_digits of the session's lc_monetary and rounds to
// that scale, so the scale of any money value cast to numeric is that locale's fraction digit count.
const MONEY_SCALE_SQL = `SELECT pg_catalog.scale('0'::pg_catalog.money::pg_catalog.numeric) AS scale`;

/**
 * Resolves pgoutput column types (type OID + typmod) to LogicalTypes, reading pg_type through a normal
 * (not replication) connection and caching what it reads.
 *
 * money: its value is an integer count of the currency's smallest unit, whose size comes from
 * lc_monetary. The replication session prints money under lc_monetary=C (count / 100, exact); the
 * catalog probes the fraction digits of *its own* session's lc_monetary, which should therefore be the
 * one the applications use (the database default): do not open the catalog connection with
 * REPLICATION_SESSION_OPTIONS.
 */
export class PgTypeCatalog {
  private readonly infos = new Map<number, PgTypeInfo>();
  private readonly resolved = new Map<string, ResolvedPgType>();
  /** Qualified format_type text per "oid:typmod". */
  private readonly formatted = new Map<string, string>();
  private moneyScale: number | undefined;

  constructor(private readonly client: PgQueryClient) {}

  /** Resolves one column type; see resolveMany. */
  async resolve(typeOid: number, typeMod: number, name?: string): Promise<ResolvedPgType> {
    const [result] = await this.resolveMany([name === undefined ? { typeOid, typeMod } : { typeOid, typeMod, name }]);
    return result!;
  }

  /**
   * Resolves many column types with at most three queries for everything not cached yet. Throws one
   * TandemError VALUE_UNSUPPORTED listing every column whose type cannot be carried exactly.
   */
  async resolveMany(columns: readonly PgColumnTypeRef[]): Promise<ResolvedPgType[]> {
    const missing = columns.filter((c) => !this.resolved.has(key(c.typeOid, c.typeMod)));
    if (missing.length > 0) await this.load(missing);
    const problems: string[] = [];
    const out: ResolvedPgType[] = [];
    for (const c of columns) {
      const r = this.resolved.get(key(c.typeOid, c.typeMod));
      if (r !== undefined) {
        out.push(r);
        continue;
      }
      problems.push(this.problem(c));
    }
    if (problems.length > 0) {
      throw new TandemError(
        ErrorCodes.VALUE_UNSUPPORTED,
        `Cannot replicate ${problems.length === 1 ? 'a column' : `${problems.length} columns`} exactly: ${problems.join('; ')}. ` +
          'Fix: change the column type (ALTER TABLE ... ALTER COLUMN ... TYPE text, or another supported type), ' +
          'or leave the column out of the publication (CREATE/ALTER PUBLICATION ... FOR TABLE t (col1, col2, ...), PostgreSQL 15+).',
      );
    }
    return out;
  }

  /** Forgets cached types (all, or one oid): call after ALTER TYPE ... ADD VALUE or DDL on a domain. */
  invalidate(typeOid?: number): void {
    if (typeOid === undefined) this.infos.clear();
    else this.infos.delete(typeOid);
    // Arrays of the type and domains over it embed it: drop every resolution, keep the other pg_type rows.
    this.resolved.clear();
    this.formatted.clear();
  }

  private problem(c: PgColumnTypeRef): string {
    const who = c.name === undefined ? 'a column' : `column ${c.name}`;
    const formatted = this.formatted.get(key(c.typeOid, c.typeMod)) ?? `type oid ${c.typeOid}`;
    try {
      resolvePgType(this.infos, c.typeOid, c.typeMod, this.moneyScale);
      return `${who} (${formatted}): unknown problem`;
    } catch (e) {
      return `${who} has type ${formatted}, which Tandem cannot carry: ${(e as Error).message}`;
    }
  }

  private async load(columns: readonly PgColumnTypeRef[]): Promise<void> {
    const oids = [...new Set(columns.map((c) => c.typeOid))].filter((oid) => !this.known(oid, 0));
    if (oids.length > 0) {
      const rows = (await this.client.query(TYPES_SQL, [oids])).rows;
      for (const row of rows) {
        const info = toInfo(row);
        this.infos.set(info.oid, info);
      }
    }
    const pairs = [...new Map(columns.map((c) => [key(c.typeOid, c.typeMod), c])).values()];
    const fmt = (await this.client.query(FORMAT_SQL, [pairs.map((p) => p.typeOid), pairs.map((p) => p.typeMod)])).rows;
    for (const row of fmt) {
      const oid = Number(row.oid);
      this.formatted.set(key(oid, Number(row.typmod)), qualifySourceType(this.infos, oid, String(row.formatted)));
    }
    for (const c of pairs) {
      const type = await this.build(c);
      const k = key(c.typeOid, c.typeMod);
      if (type !== undefined) this.resolved.set(k, { type, sourceType: this.formatted.get(k) ?? `oid ${c.typeOid}` });
    }
  }

  /** The column's logical type, or undefined when refused (resolveMany then reports why). */
  private async build(c: PgColumnTypeRef): Promise<LogicalType | undefined> {
    for (;;) {
      try {
        return resolvePgType(this.infos, c.typeOid, c.typeMod, this.moneyScale);
      } catch (e) {
        if (e instanceof RefusedType) return undefined;
        if (!(e instanceof NeedMoneyScale) || this.moneyScale !== undefined) throw e;
        this.moneyScale = await this.probeMoneyScale();
      }
    }
  }

  private async probeMoneyScale(): Promise<number> {
    const scale = Number((await this.client.query(MONEY_SCALE_SQL)).rows[0]?.scale);
    if (!Number.isInteger(scale) || scale < 0 || scale > 10) {
      throw new TandemError(ErrorCodes.PG_PRECONDITION, `Cannot tell how many fraction digits money has in this database (probe gave ${scale}).`);
    }
    return scale;
  }

  /** Whether the pg_type rows of oid and of everything it is built on (element, domain base) are cached. */
  private known(oid: number, depth: number): boolean {
    const info = this.infos.get(oid);
    if (info === undefined) return false;
    if (depth > MAX_DOMAIN_DEPTH) return true;
    if (info.arrayElement !== 0 && !this.known(info.arrayElement, depth + 1)) return false;
    return info.domainBase === 0 || this.known(info.domainBase, depth + 1);
  }
}

function key(oid: number, typmod: number): string {
  return `${oid}:${typmod}`;
}

function toInfo(row: QueryResultRow): PgTypeInfo {
  const labels: unknown = row.labels;
  return {
    oid: Number(row.oid),
    namespace: String(row.namespace),
    name: String(row.name),
    typname: String(row.typname),
    kind: String(row.kind),
    arrayElement: Number(row.array_element),
    delimiter: String(row.delimiter),
    domainBase: Number(row.domain_base),
    domainTypmod: Number(row.domain_typmod),
    visible: row.visible === true || row.visible === 't',
    enumLabels: labels === null || labels === undefined ? null : (JSON.parse(String(labels)) as string[]),
  };
}
