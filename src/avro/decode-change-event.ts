/**
 * Kafka message value -> ChangeEvent: the inverse of encodeChangeEvent (see its wire format).
 *
 * The writer schema is found by the fingerprint in the single-object header. A writer schema fetched
 * from the schema topic is not trusted as it is: the TableSchema is recovered from its tandem.*
 * attributes and the writer schema rebuilt from that, which must give the same fingerprint — so the
 * values are always decoded with exactly the codecs that wrote them. With a reader schema (an evolved
 * table version), avsc's resolver maps the writer's fields onto the reader's (new columns read null)
 * and the event is returned in the reader's table version.
 *
 * Events written with an older envelope layout (e.g. before the version field existed) decode with the
 * writer schema of that layout, rebuilt from the stored schema; a missing version reads as undefined.
 */
import type { Resolver } from 'avsc';
import { ErrorCodes, TandemError } from '../errors.js';
import type { ChangeEvent, Operation, RowImage, SourceBlock } from '../model/change-event.js';
import type { TableSchema } from '../model/table.js';
import { tableFromRowRecord } from './row-record.js';
import { rowImageFromAvro } from './row-layout.js';
import { parseSingleObjectHeader } from './single-object.js';
import { describeTable } from './table-structure.js';
import { layoutOfEnvelope, WriterSchemaCache, type WriterSchema } from './writer-schema.js';

export interface DecodedChangeEvent extends ChangeEvent {
  /** The fingerprint of the schema the event was written with (its table version may be older than `table`). */
  writerFingerprintHex: string;
}

/** schemaJson by fingerprint hex (e.g. from the compacted schema topic); undefined when unknown. */
export type SchemaLookup = (fingerprintHex: string) => Promise<string | undefined>;

/** A fixed reader schema, or one chosen per writer table version (undefined: read as written). */
export type ReaderSchemaChoice = WriterSchema | ((writerTable: TableSchema) => WriterSchema | undefined);

export interface ChangeEventDecoderOptions {
  reader?: ReaderSchemaChoice;
  /** Where rebuilt writer schemas are kept; a private cache by default. */
  cache?: WriterSchemaCache;
}

const sharedCache = new WriterSchemaCache();

/** Rebuilds and checks the writer schema a schemaJson from the schema topic stands for. */
export function writerSchemaFromJson(schemaJson: string, cache: WriterSchemaCache = sharedCache): WriterSchema {
  let envelope: unknown;
  try {
    envelope = JSON.parse(schemaJson);
  } catch (cause) {
    throw new TandemError(ErrorCodes.AVRO_DECODE, `A writer schema is not valid JSON: ${String(cause)}.`, { cause });
  }
  const fields = (envelope as { fields?: unknown } | null)?.fields;
  const before = Array.isArray(fields) ? (fields as Array<{ name?: unknown; type?: unknown }>).find((f) => f.name === 'before') : undefined;
  const row = Array.isArray(before?.type) ? (before.type as unknown[])[1] : undefined;
  return cache.writerFor(tableFromRowRecord(row), layoutOfEnvelope(envelope));
}

/** Decodes a message whose writer schema is known; the header's fingerprint must be `writer`'s. */
export function decodeWith(writer: WriterSchema, buf: Buffer, reader?: WriterSchema): DecodedChangeEvent {
  const { fingerprintHex, body } = parseSingleObjectHeader(buf);
  if (fingerprintHex !== writer.fingerprintHex) {
    throw new TandemError(
      ErrorCodes.AVRO_DECODE,
      `The message was written with schema ${fingerprintHex}, not with ${writer.fingerprintHex} (table ${describeTable(writer.table)}).`,
    );
  }
  return decodeBody(writer, reader, body);
}

const resolvers = new WeakMap<WriterSchema, Map<string, Resolver>>();

function resolverFor(reader: WriterSchema, writer: WriterSchema): Resolver {
  let byWriter = resolvers.get(reader);
  if (byWriter === undefined) resolvers.set(reader, (byWriter = new Map()));
  let resolver = byWriter.get(writer.fingerprintHex);
  if (resolver === undefined) {
    try {
      resolver = reader.type.createResolver(writer.type);
    } catch (cause) {
      throw new TandemError(
        ErrorCodes.AVRO_SCHEMA,
        `Events of table ${describeTable(writer.table)} written with schema ${writer.fingerprintHex} cannot be read with ` +
          `schema ${reader.fingerprintHex} (table ${describeTable(reader.table)}): ${cause instanceof Error ? cause.message : String(cause)}.`,
        { cause },
      );
    }
    byWriter.set(writer.fingerprintHex, resolver);
  }
  return resolver;
}

interface AvroEnvelope {
  op: Operation;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  beforeKeyOnly: boolean;
  unchangedColumns: string[];
  source: SourceBlock;
  origin: string;
  transaction: { id: string; sequence: bigint };
  /** Absent when the writer's envelope layout has no version field (and no reader schema adds it). */
  version?: AvroRowVersion | null;
}

interface AvroRowVersion {
  ts: bigint;
  rank: number;
  node: string;
  prevTs: bigint;
  prevRank: number;
}

function decodeBody(writer: WriterSchema, reader: WriterSchema | undefined, body: Buffer): DecodedChangeEvent {
  const target = reader === undefined || reader.fingerprintHex === writer.fingerprintHex ? writer : reader;
  const resolver = target === writer ? undefined : resolverFor(target, writer);
  let envelope: AvroEnvelope;
  try {
    envelope = target.type.fromBuffer(body, resolver) as AvroEnvelope;
  } catch (cause) {
    throw new TandemError(
      ErrorCodes.AVRO_DECODE,
      `Cannot decode a change event of table ${describeTable(writer.table)} (schema ${writer.fingerprintHex}): ` +
        `${cause instanceof Error ? cause.message : String(cause)}.`,
      { cause },
    );
  }
  const layout = target.rowLayout;
  const unchangedColumns = [...envelope.unchangedColumns];
  const keyOnly = envelope.beforeKeyOnly ? writer.rowLayout.keyNames : undefined;
  const unchanged = unchangedColumns.length > 0 ? new Set(unchangedColumns) : undefined;
  const before: RowImage | null =
    envelope.before === null ? null : rowImageFromAvro(layout, envelope.before, keyOnly, undefined);
  const after: RowImage | null = envelope.after === null ? null : rowImageFromAvro(layout, envelope.after, undefined, unchanged);
  const s = envelope.source;
  const event: DecodedChangeEvent = {
    op: envelope.op,
    table: target.table,
    before,
    after,
    unchangedColumns,
    source: {
      node: s.node,
      engine: s.engine,
      database: s.database,
      schema: s.schema,
      table: s.table,
      lsn: s.lsn,
      txId: s.txId,
      commitTimestampMicros: s.commitTimestampMicros,
      commitTimestampPrecision: s.commitTimestampPrecision,
      gtid: s.gtid,
      binlogFile: s.binlogFile,
      binlogPosition: s.binlogPosition,
      serverId: s.serverId,
    },
    origin: envelope.origin,
    transaction: { id: envelope.transaction.id, sequence: Number(envelope.transaction.sequence) },
    writerFingerprintHex: writer.fingerprintHex,
  };
  const v = envelope.version;
  if (v != null) event.version = { ts: v.ts, rank: v.rank, node: v.node, prev: { ts: v.prevTs, rank: v.prevRank } };
  return event;
}

/**
 * Decodes messages of any table: finds each writer schema with `lookup` (once per fingerprint; misses
 * are not remembered, so a schema published later is found on a later call).
 */
export class ChangeEventDecoder {
  private readonly writers = new Map<string, WriterSchema>();
  private readonly pending = new Map<string, Promise<WriterSchema>>();
  private readonly cache: WriterSchemaCache;
  private readonly reader: ReaderSchemaChoice | undefined;

  constructor(
    private readonly lookup: SchemaLookup,
    options: ChangeEventDecoderOptions = {},
  ) {
    this.cache = options.cache ?? new WriterSchemaCache();
    this.reader = options.reader;
  }

  /** Makes a writer schema known without a lookup (e.g. one this process writes with). */
  register(writer: WriterSchema): void {
    this.writers.set(writer.fingerprintHex, writer);
  }

  async decode(buf: Buffer): Promise<DecodedChangeEvent> {
    const { fingerprintHex, body } = parseSingleObjectHeader(buf);
    const writer = this.writers.get(fingerprintHex) ?? (await this.fetchWriter(fingerprintHex));
    const reader = typeof this.reader === 'function' ? this.reader(writer.table) : this.reader;
    return decodeBody(writer, reader, body);
  }

  private fetchWriter(fingerprintHex: string): Promise<WriterSchema> {
    let pending = this.pending.get(fingerprintHex);
    if (pending === undefined) {
      pending = this.lookupWriter(fingerprintHex).finally(() => this.pending.delete(fingerprintHex));
      this.pending.set(fingerprintHex, pending);
    }
    return pending;
  }

  private async lookupWriter(fingerprintHex: string): Promise<WriterSchema> {
    let schemaJson: string | undefined;
    try {
      schemaJson = await this.lookup(fingerprintHex);
    } catch (cause) {
      throw new TandemError(ErrorCodes.AVRO_DECODE, `Looking up writer schema ${fingerprintHex} failed: ${String(cause)}.`, {
        cause,
        canRetry: true,
      });
    }
    if (schemaJson === undefined) {
      throw new TandemError(
        ErrorCodes.AVRO_DECODE,
        `Unknown writer schema fingerprint ${fingerprintHex}: it is not in the schema topic (yet). ` +
          'Writers publish each schema before first use; check that the schema topic is the one the producer uses.',
        { canRetry: true },
      );
    }
    const writer = writerSchemaFromJson(schemaJson, this.cache);
    if (writer.fingerprintHex !== fingerprintHex) {
      throw new TandemError(
        ErrorCodes.AVRO_DECODE,
        `The schema stored under fingerprint ${fingerprintHex} rebuilds to fingerprint ${writer.fingerprintHex}: ` +
          'the schema topic entry is corrupt or was not written by this version of Tandem.',
      );
    }
    this.writers.set(fingerprintHex, writer);
    return writer;
  }
}
