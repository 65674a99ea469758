import type { Client } from 'pg';
import type { LogicalType, Value } from '../model/logical-type.js';
import type { ColumnDef, TableSchema } from '../model/table.js';
import type { RelationMessage } from './pgoutput/messages.js';

export interface ResolvedColumnType {
  type: LogicalType;
  sourceType: string;
}

/** Resolves pgoutput column types (OID + modifier) to logical types; implemented by PgTypeCatalog. */
export interface ColumnTypeResolver {
  resolveMany(columns: ReadonlyArray<{ typeOid: number; typeMod: number }>): Promise<ResolvedColumnType[]>;
}

export type TextValueParser = (type: LogicalType, text: string) => Value;

/** A relation as the stream knows it now: its table version and a ready parser per column. */
export interface RelationEntry {
  table: TableSchema;
  parsers: Array<(text: string) => Value>;
  /** Whether the relation's replica identity is FULL (old rows arrive complete). */
  fullIdentity: boolean;
  /** Columns of the replica identity: what an old-key ('K') tuple holds. */
  identityColumns: ReadonlySet<string>;
}

/**
 * Keeps the table version of every relation the stream has described. pgoutput sends a Relation
 * message before a relation's first change in a session and again after its columns change, so the
 * column list always matches the rows that follow; key columns and NOT NULL come from the catalog.
 */
export class RelationTables {
  readonly #entries = new Map<number, RelationEntry>();

  constructor(
    private readonly catalogClient: Client,
    private readonly resolver: ColumnTypeResolver,
    private readonly parse: TextValueParser,
    private readonly identity: { node: string; database: string },
  ) {}

  get(relationOid: number): RelationEntry | undefined {
    return this.#entries.get(relationOid);
  }

  async define(message: RelationMessage): Promise<RelationEntry> {
    const types = await this.resolver.resolveMany(message.columns);
    const catalog = await this.#catalogFacts(message.relationOid);
    const columns: ColumnDef[] = message.columns.map((column, i) => ({
      name: column.name,
      type: withoutEnumLabels(types[i]!.type),
      sourceType: types[i]!.sourceType,
      notNull: catalog.notNull.has(column.name),
    }));
    const identityKey = message.columns.filter((c) => c.isKey).map((c) => c.name);
    const key = catalog.primaryKey.length > 0 ? catalog.primaryKey : message.replicaIdentity === 'full' ? columns.map((c) => c.name) : identityKey;
    const table: TableSchema = {
      node: this.identity.node,
      engine: 'postgres',
      database: this.identity.database,
      schema: message.schema,
      table: message.table,
      columns,
      key,
    };
    const parse = this.parse;
    const entry: RelationEntry = {
      table,
      parsers: columns.map((c) => (text: string) => parse(c.type, text)),
      fullIdentity: message.replicaIdentity === 'full',
      identityColumns: new Set(identityKey),
    };
    this.#entries.set(message.relationOid, entry);
    return entry;
  }

  async #catalogFacts(relationOid: number): Promise<{ primaryKey: string[]; notNull: Set<string> }> {
    const pk = await this.catalogClient.query<{ attname: string }>(
      `SELECT a.attname
         FROM pg_index i
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1 AND i.indisprimary
        ORDER BY k.ord`,
      [relationOid],
    );
    const notNull = await this.catalogClient.query<{ attname: string }>(
      'SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attnotnull',
      [relationOid],
    );
    return { primaryKey: pk.rows.map((r) => r.attname), notNull: new Set(notNull.rows.map((r) => r.attname)) };
  }
}

/**
 * Enum labels are left out of the event schema: `ALTER TYPE … ADD VALUE` sends no new Relation
 * message, so labels known here could be stale, and a new label must not stop the stream. The label
 * text itself travels in every value.
 */
function withoutEnumLabels(type: LogicalType): LogicalType {
  if (type.kind === 'enum') return { kind: 'enum', typeName: type.typeName };
  if (type.kind === 'array') return { kind: 'array', element: withoutEnumLabels(type.element) };
  return type;
}
