import { ErrorCodes, TandemError } from '../errors.js';
import type { ChangeEvent, Operation, RowImage, SourceBlock } from '../model/change-event.js';
import type { TableSchema } from '../model/table.js';
import type { ChangePublisher } from '../reader/change-publisher.js';
import type { BinlogHandler, BinlogTransaction, RawEvent } from './binlog-stream.js';
import type { QueryEvent } from './binlog/events.js';
import { decodeRowsHead, readRowImage, readRowsTableId, type RowsKind } from './binlog/rows-event.js';
import { decodeTableMap, decodeTableMapHead } from './binlog/table-map.js';
import { MariadbGtidPosition, MysqlGtidSet } from './gtid.js';
import { MysqlPosition, type StoredTable } from './mysql-position.js';
import { classifyStatement, namedTables, truncatedTable, type StatementKind } from './statements.js';
import type { RowPlan, TrackedTables } from './tracked-tables.js';

export interface ChangeHandlerDeps {
  node: string;
  tables: TrackedTables;
  publisher: Pick<ChangePublisher, 'beginSourceTransaction' | 'publish' | 'endSourceTransaction'>;
  /** The position resumed from: transactions it covers are skipped (already in Kafka). */
  resumedFrom: MysqlPosition | undefined;
  /** The GTID state to extend as transactions commit (the start position's). */
  gtids: MariadbGtidPosition | MysqlGtidSet;
  /** Re-reads the current definitions of the tracked tables (after DDL). */
  readDefinitions: () => Promise<ReadonlyMap<string, StoredTable | undefined>>;
  onDefinitionsChanged?: (tables: string[], at: string) => void;
}

const OPS: Record<RowsKind, Operation> = { write: 'c', update: 'u', delete: 'd' };

/**
 * Binlog transactions → change events → ChangePublisher, one source transaction at a time: rows of the
 * tracked tables become events, TRUNCATE becomes a 't' event, DDL naming a tracked table re-reads its
 * definition at that point of the binlog, and every commit hands the publisher the position after it.
 */
export class MysqlChangeHandler implements BinlogHandler {
  readonly #d: ChangeHandlerDeps;
  #skipping = false;
  #sequence = 0;
  #gtids: MariadbGtidPosition | MysqlGtidSet;

  constructor(deps: ChangeHandlerDeps) {
    this.#d = deps;
    this.#gtids = deps.gtids.copy();
  }

  onTransactionStart(tx: BinlogTransaction): void | Promise<void> {
    this.#sequence = 0;
    this.#skipping = this.#d.resumedFrom?.covers(tx.gtid) ?? false;
    if (!this.#skipping) return this.#d.publisher.beginSourceTransaction();
  }

  onTableMap(_tx: BinlogTransaction, event: RawEvent): void {
    const head = decodeTableMapHead(event.buf, event.format);
    if (!this.#d.tables.isTracked(head.database, head.table)) {
      this.#d.tables.ignore(head.tableId);
      return;
    }
    this.#d.tables.mapped(decodeTableMap(event.buf, event.format), at(event));
  }

  onRows(tx: BinlogTransaction, kind: RowsKind, event: RawEvent): void | Promise<void> {
    const tableId = readRowsTableId(event.buf, event.format, event.header.type);
    const plan = this.#d.tables.planFor(tableId);
    if (plan === null || this.#skipping) return;
    if (plan === undefined) throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `rows event for table id ${tableId} at ${at(event)} without a TABLE_MAP before it`);
    return this.#publishRows(tx, kind, event, plan);
  }

  async #publishRows(tx: BinlogTransaction, kind: RowsKind, event: RawEvent, plan: RowPlan): Promise<void> {
    const where = () => `${plan.table.schema}.${plan.table.table} at ${at(event)}`;
    const head = decodeRowsHead(event.buf, event.format, event.header.type, kind, where);
    if (head.columnCount !== plan.names.length) {
      throw new TandemError(ErrorCodes.MYSQL_TABLE_MISMATCH, `${where()}: rows event has ${head.columnCount} columns, the TABLE_MAP ${plan.names.length}`);
    }
    const c = head.cursor;
    const source = this.#source(tx, plan.table, event);
    const op = OPS[kind];
    while (c.pos < c.end) {
      const first = readRowImage(c, plan.names, plan.readers);
      const second = kind === 'update' ? readRowImage(c, plan.names, plan.readers) : null;
      if (c.pos > c.end) throw new TandemError(ErrorCodes.MYSQL_TABLE_MISMATCH, `${where()}: a row runs past the end of its event; the column definition does not fit the binlog`);
      const before = kind === 'write' ? null : first;
      const after = kind === 'write' ? first : second;
      await this.#d.publisher.publish(this.#event(op, plan.table, before, after, source, tx));
    }
  }

  onStatement(tx: BinlogTransaction, query: QueryEvent, event: RawEvent): void | Promise<void> {
    const kind = classifyStatement(query.query);
    if (kind === 'other' || kind === 'ddl' && this.#skipping) return;
    if (kind !== 'truncate' && !this.#mentionsTracked(query)) return;
    return this.#statement(tx, kind, query, event);
  }

  async #statement(tx: BinlogTransaction, kind: StatementKind, query: QueryEvent, event: RawEvent): Promise<void> {
    if (kind === 'truncate') {
      const named = truncatedTable(query.query);
      const database = named?.database ?? query.database;
      if (!named || this.#skipping || !this.#d.tables.isTracked(database, named.table)) return;
      const table = this.#d.tables.schemaOf(database, named.table);
      if (table) await this.#d.publisher.publish(this.#event('t', table, null, null, this.#source(tx, table, event), tx));
      return;
    }
    if (kind === 'dml') {
      throw new TandemError(
        ErrorCodes.MYSQL_PRECONDITION,
        `transaction ${tx.gtidText} at ${at(event)} changes a replicated table with a statement-based event (${query.query.slice(0, 120)}), whose rows the reader cannot see; the session that ran it used binlog_format STATEMENT or MIXED: set binlog_format=ROW globally and make sure no session overrides it`,
      );
    }
    // DDL: information_schema now describes the table as this statement left it — unless later DDL
    // already ran too, which the next TABLE_MAP check catches.
    const changed = this.#d.tables.define(await this.#d.readDefinitions());
    if (changed.length > 0) this.#d.onDefinitionsChanged?.(changed, at(event));
  }

  onCommit(tx: BinlogTransaction, file: string, offset: number): void | Promise<void> {
    const g = tx.gtid;
    if (g.flavor === 'mariadb' && this.#gtids instanceof MariadbGtidPosition) this.#gtids.set(g.domain, g.server, g.seq);
    else if (g.flavor === 'mysql' && this.#gtids instanceof MysqlGtidSet) this.#gtids.add(g.uuid, g.gno);
    if (this.#skipping) {
      this.#skipping = false;
      return;
    }
    return this.#d.publisher.endSourceTransaction(new MysqlPosition(this.#gtids.copy(), file, offset, this.#d.tables.snapshot()));
  }

  #mentionsTracked(query: QueryEvent): boolean {
    return namedTables(query.query).some((t) => this.#d.tables.isTracked(t.database ?? query.database, t.table));
  }

  #source(tx: BinlogTransaction, table: TableSchema, event: RawEvent): SourceBlock {
    return {
      node: this.#d.node,
      engine: 'mysql',
      database: table.database,
      schema: table.schema,
      table: table.table,
      lsn: null,
      txId: tx.gtidText,
      commitTimestampMicros: tx.commitTimestampMicros,
      commitTimestampPrecision: tx.commitTimestampPrecision,
      gtid: tx.gtidText,
      binlogFile: event.file,
      binlogPosition: BigInt(event.header.logPos - event.header.eventSize),
      serverId: BigInt(tx.serverId),
    };
  }

  #event(op: Operation, table: TableSchema, before: RowImage | null, after: RowImage | null, source: SourceBlock, tx: BinlogTransaction): ChangeEvent {
    return { op, table, before, after, unchangedColumns: [], source, origin: this.#d.node, transaction: { id: tx.gtidText, sequence: this.#sequence++ } };
  }
}

function at(event: RawEvent): string {
  return `${event.file}:${event.header.logPos - event.header.eventSize}`;
}
