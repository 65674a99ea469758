import { ChangeEventDecoder, type DecodedChangeEvent } from '../avro/index.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { CommittedRecord } from '../kafka/committed-topic-reader.js';
import type { TableSchema } from '../model/table.js';
import { opsFor, type RowOp } from './change-ops.js';
import { showTable, tableKey, type TableRoute } from './link-routes.js';
import { TableBinding } from './table-binding.js';
import type { TargetTable } from './target-table.js';
import type { TargetWriter } from './target-writer.js';

/**
 * Kafka record → change event (Avro, writer schemas from the schema topic) → row operations on the
 * target, through one TableBinding per source table version (built and checked on first use).
 */
export class ChangeDecoder {
  readonly #decoder: ChangeEventDecoder;
  readonly #bindings = new WeakMap<TableSchema, TableBinding>();
  readonly #routes = new Map<string, { route: TableRoute; target: TargetTable }>();

  constructor(
    lookup: (fingerprintHex: string) => Promise<string | undefined>,
    routes: ReadonlyArray<{ route: TableRoute; target: TargetTable }>,
    private readonly writer: TargetWriter,
    private readonly sourceNode: string,
  ) {
    this.#decoder = new ChangeEventDecoder(lookup);
    for (const r of routes) this.#routes.set(tableKey(r.route.source), r);
  }

  async decode(record: CommittedRecord): Promise<DecodedChangeEvent> {
    if (!record.value) {
      throw new TandemError(ErrorCodes.AVRO_DECODE, `record ${record.topic}[${record.partition}]@${record.offset} has no value; the changes topic holds only change events`);
    }
    return this.#decoder.decode(record.value);
  }

  /** The row operations of an event (values converted: a value the target cannot hold throws APPLY_VALUE). */
  ops(event: DecodedChangeEvent): RowOp[] {
    return opsFor(event, this.binding(event.table));
  }

  binding(table: TableSchema): TableBinding {
    let binding = this.#bindings.get(table);
    if (binding) return binding;
    const routed = this.#routes.get(tableKey({ schema: table.schema, table: table.table }));
    if (!routed) {
      throw new TandemError(
        ErrorCodes.APPLY_TARGET_MISMATCH,
        `the changes of node ${this.sourceNode} hold table ${showTable(table)}, which is not among the node's configured tables; add it to the node's tables (it will be routed by the link) or start the link from a newer offset`,
      );
    }
    binding = new TableBinding(table, routed.route, routed.target, (column, value) => this.writer.param(column, value));
    this.#bindings.set(table, binding);
    return binding;
  }
}
