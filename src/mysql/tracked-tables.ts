import { ErrorCodes, TandemError } from '../errors.js';
import type { TableSchema } from '../model/table.js';
import { ColumnType } from './binlog/event-types.js';
import type { ColumnValueReader } from './binlog/rows-event.js';
import type { MappedColumn, TableMap } from './binlog/table-map.js';
import type { CatalogColumn } from './catalog-column.js';
import type { StoredTable } from './mysql-position.js';
import { tableKey, type TableRef } from './table-catalog.js';
import { mapColumnType } from './type-mapping.js';
import { valueReader, type ZeroDateTreatment } from './value-readers.js';

/** How rows of one table id are decoded: the table version they belong to and a reader per column. */
export interface RowPlan {
  table: TableSchema;
  names: string[];
  readers: ColumnValueReader[];
}

interface Tracked {
  ref: TableRef;
  stored: StoredTable | undefined;
  schema: TableSchema | undefined;
}

/**
 * The configured tables' definitions as of the reader's point in the binlog, and the decoding plan of
 * each table id the binlog has mapped. Every TABLE_MAP is checked against the definition held: the
 * column count, each column's binlog type and type metadata, nullability (and names, when the server
 * logs them) must agree, or the rows are refused (TANDEM_MYSQL_TABLE_MISMATCH) instead of being
 * decoded against a stale column list.
 */
export class TrackedTables {
  readonly #tables = new Map<string, Tracked>();
  readonly #plans = new Map<number, RowPlan | null>();
  /** Plans by table + layout, so a re-sent TABLE_MAP costs a lookup. */
  readonly #planCache = new Map<string, RowPlan>();
  #snapshot: Record<string, StoredTable> = {};

  constructor(
    refs: TableRef[],
    private readonly node: string,
    private readonly zeroDates: ZeroDateTreatment,
  ) {
    for (const ref of refs) this.#tables.set(tableKey(ref), { ref, stored: undefined, schema: undefined });
  }

  refs(): TableRef[] {
    return [...this.#tables.values()].map((t) => t.ref);
  }

  isTracked(database: string, table: string): boolean {
    return this.#tables.has(`${database}.${table}`);
  }

  /** The definitions in force, for the stored position (the same object until a definition changes). */
  snapshot(): Readonly<Record<string, StoredTable>> {
    return this.#snapshot;
  }

  /** Installs definitions (from the stored position or the catalog); returns the keys whose definition changed. */
  define(definitions: ReadonlyMap<string, StoredTable | undefined> | Readonly<Record<string, StoredTable>>): string[] {
    const entries = definitions instanceof Map ? [...definitions] : Object.entries(definitions);
    const changed: string[] = [];
    for (const [key, stored] of entries) {
      const tracked = this.#tables.get(key);
      if (!tracked) continue;
      if (JSON.stringify(tracked.stored) === JSON.stringify(stored)) continue;
      tracked.stored = stored;
      tracked.schema = stored ? this.#schemaOf(tracked.ref, stored) : undefined;
      changed.push(key);
    }
    if (changed.length > 0) {
      this.#plans.clear();
      this.#planCache.clear();
      const snapshot: Record<string, StoredTable> = {};
      for (const [key, t] of this.#tables) if (t.stored) snapshot[key] = t.stored;
      this.#snapshot = snapshot;
    }
    return changed;
  }

  /** Records a TABLE_MAP: untracked tables map to null (their rows are skipped). */
  mapped(map: TableMap, at: string): void {
    const key = `${map.database}.${map.table}`;
    const tracked = this.#tables.get(key);
    if (!tracked) {
      this.#plans.set(map.tableId, null);
      return;
    }
    const cacheKey = `${key}\u0000${map.layoutKey}\u0000${map.columns.map((c) => (c.nullable ? 1 : 0)).join('')}`;
    let plan = this.#planCache.get(cacheKey);
    if (!plan) {
      plan = this.#plan(tracked, map, at);
      this.#planCache.set(cacheKey, plan);
    }
    this.#plans.set(map.tableId, plan);
  }

  /** Whether the table id's last TABLE_MAP was for a tracked table (undefined: never mapped). */
  planFor(tableId: number): RowPlan | null | undefined {
    return this.#plans.get(tableId);
  }

  /** The current table version of a tracked table (for TRUNCATE events). */
  schemaOf(database: string, table: string): TableSchema | undefined {
    return this.#tables.get(`${database}.${table}`)?.schema;
  }

  #plan(tracked: Tracked, map: TableMap, at: string): RowPlan {
    const name = tableKey(tracked.ref);
    const { stored, schema } = tracked;
    if (!stored || !schema) {
      throw new TandemError(ErrorCodes.MYSQL_TABLE_MISMATCH, `rows of ${name} at ${at}, but the reader knows no definition of ${name} there (it did not exist when last read)`);
    }
    const problems = compareLayout(stored.columns, map);
    if (problems.length > 0) {
      throw new TandemError(
        ErrorCodes.MYSQL_TABLE_MISMATCH,
        `the binlog's TABLE_MAP of ${name} at ${at} does not match the definition the reader holds for that point (${problems.join('; ')}). ` +
          'The table was probably altered again later in the binlog than the reader has got, so information_schema (which shows the table as it is now) cannot describe these rows; ' +
          'Tandem refuses to decode them against a different column list. Restart from a position after the last ALTER (a new snapshot), or let the reader catch up before altering replicated tables twice',
      );
    }
    return {
      table: schema,
      names: stored.columns.map((c) => c.name),
      readers: stored.columns.map((c, i) => valueReader(c, map.columns[i]!, { where: `${name}.${c.name}`, zeroDates: this.zeroDates })),
    };
  }

  #schemaOf(ref: TableRef, stored: StoredTable): TableSchema {
    const name = tableKey(ref);
    return {
      node: this.node,
      engine: 'mysql',
      database: ref.database,
      schema: ref.database,
      table: ref.table,
      columns: stored.columns.map((c) => {
        const mapped = mapColumnType(c, name);
        return { name: c.name, type: mapped.type, sourceType: mapped.sourceType, notNull: !c.nullable };
      }),
      key: stored.key,
    };
  }
}

/** Differences between what information_schema said and what the TABLE_MAP says, in words. */
export function compareLayout(columns: CatalogColumn[], map: TableMap): string[] {
  const problems: string[] = [];
  if (columns.length !== map.columns.length) {
    problems.push(`the binlog has ${map.columns.length} columns, the definition ${columns.length}`);
    return problems;
  }
  columns.forEach((col, i) => {
    const m = map.columns[i]!;
    const expected = mapColumnType(col, `${map.database}.${map.table}`).binlogTypes;
    const label = `column ${i + 1} (${col.name} ${col.columnType})`;
    if (map.columnNames && map.columnNames[i] !== col.name) problems.push(`${label} is named ${map.columnNames[i]} in the binlog`);
    if (!expected.includes(m.type)) {
      problems.push(`${label} has binlog type ${m.type}, expected ${expected.join(' or ')}`);
      return;
    }
    if (m.nullable !== col.nullable) problems.push(`${label} is ${m.nullable ? '' : 'NOT '}NULL in the binlog`);
    const detail = metadataMismatch(col, m);
    if (detail) problems.push(`${label}: ${detail}`);
  });
  return problems;
}

function metadataMismatch(col: CatalogColumn, m: MappedColumn): string | undefined {
  switch (m.type) {
    case ColumnType.NEWDECIMAL:
      return m.precision === col.numericPrecision && m.scale === col.numericScale ? undefined : `binlog has decimal(${m.precision},${m.scale})`;
    case ColumnType.DATETIME2:
    case ColumnType.TIMESTAMP2:
    case ColumnType.TIME2:
      return m.length === (col.datetimePrecision ?? 0) ? undefined : `binlog has fractional precision ${m.length}`;
    case ColumnType.BIT:
      return m.length === col.numericPrecision ? undefined : `binlog has bit(${m.length})`;
    case ColumnType.ENUM:
      return m.length === ((col.labels?.length ?? 0) < 256 ? 1 : 2) ? undefined : `binlog packs the enum in ${m.length} byte(s)`;
    case ColumnType.SET: {
      const bytes = Math.ceil((col.labels?.length ?? 0) / 8);
      return m.length === (bytes > 4 ? 8 : bytes) ? undefined : `binlog packs the set in ${m.length} bytes`;
    }
    default:
      return undefined;
  }
}
