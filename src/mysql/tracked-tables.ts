import { ErrorCodes, TandemError } from '../errors.js';
import type { TableSchema } from '../model/table.js';
import type { ColumnValueReader } from './binlog/rows-event.js';
import type { TableMap } from './binlog/table-map.js';
import type { CatalogColumn } from './catalog-column.js';
import { compareLayout } from './layout-check.js';
import type { MysqlFlavor, StoredTable } from './mysql-position.js';
import type { ServerCharsets } from './server-charsets.js';
import { tableKey, type TableRef } from './table-catalog.js';
import { definitionFromTableMap, seenColumns } from './table-map-definition.js';
import { tableMapFacts } from './table-map-facts.js';
import { mapColumnType } from './type-mapping.js';
import { valueReader, type ZeroDateTreatment } from './value-readers.js';

/** How rows of one table id are decoded: the table version they belong to and a reader per column. */
export interface RowPlan {
  table: TableSchema;
  names: string[];
  readers: ColumnValueReader[];
}

export interface TrackedTablesOptions {
  node: string;
  zeroDates: ZeroDateTreatment;
  flavor: MysqlFlavor;
  charsets: ServerCharsets;
}

interface Tracked {
  ref: TableRef;
  stored: StoredTable | undefined;
  schema: TableSchema | undefined;
  /** Column definitions information_schema (or a stored position) gave for each name, newest first. */
  known: Map<string, CatalogColumn[]>;
}

/** Definitions kept per column name for the facts the binlog does not carry. */
const KNOWN_PER_COLUMN = 8;

/**
 * The configured tables' definitions as of the reader's point in the binlog, and the decoding plan of
 * each table id the binlog has mapped.
 *
 * A TABLE_MAP with full optional metadata (binlog_row_metadata=FULL) describes its table by itself:
 * the rows after it are decoded with exactly those columns, and that description becomes the definition
 * in force (stored with the position), whatever information_schema shows now. Without it, the TABLE_MAP
 * is checked against the definition held — information_schema as of the last DDL the reader met, or the
 * one stored with its position: column count, binlog types, type metadata, nullability and whatever
 * metadata is logged must agree, or the rows are refused (TANDEM_MYSQL_TABLE_MISMATCH) instead of being
 * decoded against a stale column list.
 */
export class TrackedTables {
  readonly #tables = new Map<string, Tracked>();
  readonly #plans = new Map<number, RowPlan | null>();
  /**
   * Plans by table + TABLE_MAP layout, so a re-sent TABLE_MAP costs a lookup; with the definition the
   * TABLE_MAP itself gave (full metadata), which it makes the one in force again.
   */
  readonly #planCache = new Map<string, { plan: RowPlan; definition: StoredTable | undefined }>();
  readonly #o: TrackedTablesOptions;
  #snapshot: Record<string, StoredTable> = {};

  constructor(refs: TableRef[], options: TrackedTablesOptions) {
    this.#o = options;
    for (const ref of refs) this.#tables.set(tableKey(ref), { ref, stored: undefined, schema: undefined, known: new Map() });
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
      for (const col of stored?.columns ?? []) remember(tracked.known, col);
      if (this.#install(tracked, stored)) changed.push(key);
    }
    if (changed.length > 0) {
      this.#plans.clear();
      this.#planCache.clear();
    }
    return changed;
  }

  /** Records a TABLE_MAP of a tracked table. */
  mapped(map: TableMap, at: string): void {
    const key = `${map.database}.${map.table}`;
    const tracked = this.#tables.get(key);
    if (!tracked) {
      this.ignore(map.tableId);
      return;
    }
    const cacheKey = `${key}\u0000${map.layoutKey}`;
    let cached = this.#planCache.get(cacheKey);
    if (!cached) {
      cached = this.#plan(tracked, map, at);
      this.#planCache.set(cacheKey, cached);
    } else if (cached.definition && cached.definition !== tracked.stored) {
      this.#install(tracked, cached.definition);
    }
    this.#plans.set(map.tableId, cached.plan);
  }

  /** Records a TABLE_MAP of a table that is not replicated: its rows are skipped. */
  ignore(tableId: number): void {
    this.#plans.set(tableId, null);
  }

  /** Whether the table id's last TABLE_MAP was for a tracked table (undefined: never mapped). */
  planFor(tableId: number): RowPlan | null | undefined {
    return this.#plans.get(tableId);
  }

  /** The current table version of a tracked table (for TRUNCATE events). */
  schemaOf(database: string, table: string): TableSchema | undefined {
    return this.#tables.get(`${database}.${table}`)?.schema;
  }

  #plan(tracked: Tracked, map: TableMap, at: string): { plan: RowPlan; definition: StoredTable | undefined } {
    const name = tableKey(tracked.ref);
    const { flavor, charsets } = this.#o;
    const facts = tableMapFacts(map, flavor);
    const { seen, incomplete } = seenColumns(facts, charsets, flavor, name);
    if (incomplete === undefined) {
      const definition = definitionFromTableMap(map, facts, seen, charsets, (column) => tracked.known.get(column) ?? []);
      if (this.#install(tracked, definition)) {
        // Plans checked against the previous definition (TABLE_MAPs without full metadata) are stale now.
        for (const k of this.#planCache.keys()) if (k.startsWith(`${name}\u0000`)) this.#planCache.delete(k);
      }
      return { plan: this.#rowPlan(tracked, map), definition: tracked.stored };
    }
    const { stored } = tracked;
    const hint =
      'With binlog_row_metadata=FULL (SET GLOBAL binlog_row_metadata = FULL, and in the server configuration) the server logs each table\'s columns with its rows and the reader decodes them from the binlog itself; ' +
      `this TABLE_MAP does not carry them (${incomplete})`;
    if (!stored) {
      throw new TandemError(ErrorCodes.MYSQL_TABLE_MISMATCH, `rows of ${name} at ${at}, but the reader knows no definition of ${name} there (it did not exist when last read). ${hint}`);
    }
    const problems = compareLayout(stored.columns, map, seen, charsets);
    if (problems.length > 0) {
      throw new TandemError(
        ErrorCodes.MYSQL_TABLE_MISMATCH,
        `the binlog's TABLE_MAP of ${name} at ${at} does not match the definition the reader holds for that point (${problems.join('; ')}). ` +
          'The table was probably altered again later in the binlog than the reader has got, so information_schema (which shows the table as it is now) cannot describe these rows; ' +
          `Tandem refuses to decode them against a different column list. ${hint}. Without it: restart from a position after the last ALTER (a new snapshot), or let the reader catch up before altering replicated tables twice`,
      );
    }
    return { plan: this.#rowPlan(tracked, map), definition: undefined };
  }

  #rowPlan(tracked: Tracked, map: TableMap): RowPlan {
    const name = tableKey(tracked.ref);
    const columns = tracked.stored!.columns;
    return {
      table: tracked.schema!,
      names: columns.map((c) => c.name),
      readers: columns.map((c, i) => valueReader(c, map.columns[i]!, { where: `${name}.${c.name}`, zeroDates: this.#o.zeroDates })),
    };
  }

  /** Makes `stored` the table's definition in force; false when it already was. */
  #install(tracked: Tracked, stored: StoredTable | undefined): boolean {
    if (JSON.stringify(tracked.stored) === JSON.stringify(stored)) return false;
    tracked.schema = stored ? this.#schemaOf(tracked.ref, stored) : undefined;
    tracked.stored = stored;
    const snapshot: Record<string, StoredTable> = {};
    for (const [key, t] of this.#tables) if (t.stored) snapshot[key] = t.stored;
    this.#snapshot = snapshot;
    return true;
  }

  #schemaOf(ref: TableRef, stored: StoredTable): TableSchema {
    const name = tableKey(ref);
    return {
      node: this.#o.node,
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

function remember(known: Map<string, CatalogColumn[]>, col: CatalogColumn): void {
  const text = JSON.stringify(col);
  const list = (known.get(col.name) ?? []).filter((c) => JSON.stringify(c) !== text);
  known.set(col.name, [col, ...list].slice(0, KNOWN_PER_COLUMN));
}
