/**
 * The hot path: one ChangeEvent -> one Kafka message value.
 *
 * Wire format: Avro single-object encoding — C3 01, the writer schema's CRC-64-AVRO fingerprint
 * (8 bytes little-endian), then the Avro binary encoding of the envelope record:
 *   op (enum index) | before (union: 0 null, 1 row) | after (same) | beforeKeyOnly (boolean)
 *   | unchangedColumns (array of string) | source (record) | origin (string) | transaction (record)
 *   | version (union: 0 null, 1 RowVersion {ts long, rank int, node string, prevTs long, prevRank int})
 *   | tandemSchemaId_<digest> (null: zero bytes)
 * A row record is its fields in column order, each a union index (0 = null) then the value.
 *
 * Per call: the row images are converted and validated column by column (precompiled codecs), avsc's
 * compiled writer serialises into a reused scratch buffer after the precomputed header, the cached
 * envelope tail, transaction.sequence and the version follow, and the result is copied out once. No
 * JSON and no schema work.
 */
import type avsc from 'avsc';
import { ErrorCodes, TandemError } from '../errors.js';
import type { ChangeEvent, SourceBlock } from '../model/change-event.js';
import type { ChangeVersion } from '../twoway/row-version.js';
import { isWellFormedUnicode } from './avro-names.js';
import { afterImageToAvro, beforeImageToAvro } from './row-layout.js';
import { SINGLE_OBJECT_HEADER_LENGTH } from './single-object.js';
import { describeTable, tableStructureKey } from './table-structure.js';
import { describeValue } from './value-description.js';
import { ENVELOPE_LAYOUT, type WriterSchema } from './writer-schema.js';

const OPERATIONS: ReadonlySet<unknown> = new Set(['c', 'u', 'd', 't']);
const ENGINES: ReadonlySet<unknown> = new Set(['postgres', 'mysql']);
const PRECISIONS: ReadonlySet<unknown> = new Set(['micros', 'seconds']);

/** Envelope field positions (ENVELOPE_LAYOUT). */
const SOURCE_FIELD = 5;
const ORIGIN_FIELD = 6;
const TRANSACTION_FIELD = 7;
const VERSION_FIELD = 8;
/** Room after the tail bytes for transaction.sequence (at most 8 varint bytes) and a null version. */
const SEQUENCE_AND_NULL_VERSION_MAX = 9;

const SCRATCH_SIZE = 64 * 1024;
/** Largest scratch buffer kept between calls; a bigger one (for a huge row) is dropped after use. */
const SCRATCH_KEEP_LIMIT = 1024 * 1024;
let scratch = Buffer.allocUnsafe(SCRATCH_SIZE);

export function encodeChangeEvent(event: ChangeEvent, writer: WriterSchema): Buffer {
  if (event.table !== writer.table && tableStructureKey(event.table) !== writer.structureKey) {
    throw new TandemError(
      ErrorCodes.AVRO_SCHEMA,
      `The event's table version of ${describeTable(event.table)} is not the one writer schema ${writer.fingerprintHex} ` +
        `was built for (${describeTable(writer.table)}); get the writer with writerFor(event.table).`,
    );
  }
  const layout = writer.rowLayout;
  checkEnvelope(event, writer);
  let before: Record<string, unknown> | null = null;
  let beforeKeyOnly = false;
  if (event.before !== null) {
    const converted = beforeImageToAvro(layout, event.before);
    before = converted.avro;
    beforeKeyOnly = converted.keyOnly;
  }
  const after = event.after === null ? null : afterImageToAvro(layout, event.after, event.unchangedColumns);
  const head = [event.op, before, after, beforeKeyOnly, event.unchangedColumns];
  let tail: Buffer;
  try {
    tail = envelopeTail(writer, event);
  } catch (cause) {
    if (cause instanceof TandemError) throw cause;
    throw envelopeError(writer, `avsc rejected the event's source or transaction block (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  return writeSingleObject(writer, head, tail, event.transaction.sequence, event.version);
}

/**
 * The envelope's fields after `unchangedColumns` — source, origin, transaction.id — are the same for
 * every event of one source transaction and table (readers share one source block object for them),
 * so their bytes are encoded once and copied; only transaction.sequence and version are new per event.
 */
function envelopeTail(writer: WriterSchema, event: ChangeEvent): Buffer {
  const cached = tailCache.get(event.source);
  if (cached && cached.writer === writer && cached.origin === event.origin && cached.transactionId === event.transaction.id) {
    return cached.bytes;
  }
  // Checked here, on a cache miss only: a cached entry's writer has passed this check.
  if (writer.envelopeLayout !== ENVELOPE_LAYOUT) {
    throw new TandemError(
      ErrorCodes.AVRO_SCHEMA,
      `Writer schema ${writer.fingerprintHex} of table ${describeTable(writer.table)} has the older envelope layout ` +
        `${writer.envelopeLayout}, kept only to decode old events; encode with writerFor(event.table).`,
    );
  }
  const fields = (writer.type as unknown as avsc.types.RecordType).fields;
  const transactionType = fields[TRANSACTION_FIELD]!.type as unknown as avsc.types.RecordType;
  const bytes = Buffer.concat([
    fields[SOURCE_FIELD]!.type.toBuffer(event.source),
    fields[ORIGIN_FIELD]!.type.toBuffer(event.origin),
    transactionType.fields[0]!.type.toBuffer(event.transaction.id),
  ]);
  tailCache.set(event.source, { writer, origin: event.origin, transactionId: event.transaction.id, bytes });
  return bytes;
}

const tailCache = new WeakMap<object, { writer: WriterSchema; origin: string; transactionId: string; bytes: Buffer }>();

/**
 * Writes a non-negative safe integer as an Avro long at `pos`: zig-zag (2n, below 2^54 so exact in a
 * double), then base-128 varint (at most 8 bytes). Returns the position after it.
 */
function writeSequence(buf: Buffer, pos: number, n: number): number {
  let zigzag = n * 2;
  while (zigzag > 0x7fffffff) {
    buf[pos++] = (zigzag & 0x7f) | 0x80; // & keeps the low 32 bits, so the low 7 are right
    zigzag = Math.floor(zigzag / 0x80);
  }
  while (zigzag >= 0x80) {
    buf[pos++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[pos++] = zigzag;
  return pos;
}

/**
 * Header, then the envelope's first five fields (each with its own avsc type), the tail bytes,
 * transaction.sequence and the version (union index 0, or 1 and the RowVersion record).
 */
function writeSingleObject(
  writer: WriterSchema,
  head: unknown[],
  tail: Buffer,
  sequence: number,
  version: ChangeVersion | undefined,
): Buffer {
  const fields = (writer.type as unknown as avsc.types.RecordType).fields;
  for (;;) {
    let end = SINGLE_OBJECT_HEADER_LENGTH;
    try {
      for (let i = 0; i < head.length && end >= 0; i++) end = fields[i]!.type.encode(head[i], scratch, end);
    } catch (cause) {
      // Row values are validated before this point, so this is an envelope field avsc refused.
      throw envelopeError(writer, `avsc rejected the event (${cause instanceof Error ? cause.message : String(cause)})`, cause);
    }
    if (end >= 0 && end + tail.length + SEQUENCE_AND_NULL_VERSION_MAX <= scratch.length) {
      tail.copy(scratch, end);
      end = writeSequence(scratch, end + tail.length, sequence);
      if (version == null) scratch[end++] = 0;
      else end = writeVersion(writer, fields, version, end);
      if (end >= 0) {
        const out = Buffer.allocUnsafe(end);
        writer.header.copy(out, 0);
        scratch.copy(out, SINGLE_OBJECT_HEADER_LENGTH, SINGLE_OBJECT_HEADER_LENGTH, end);
        if (scratch.length > SCRATCH_KEEP_LIMIT) scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
        return out;
      }
    }
    // encode() returns minus the number of missing bytes when the buffer is too small.
    scratch = Buffer.allocUnsafe(
      Math.max(scratch.length * 2, scratch.length - Math.min(end, 0) + tail.length + SEQUENCE_AND_NULL_VERSION_MAX),
    );
  }
}

/**
 * Writes the version union's branch 1 (index 1: zig-zag byte 2) and the RowVersion record at `pos`
 * of the scratch buffer; returns the end, or minus the number of missing bytes.
 */
function writeVersion(writer: WriterSchema, fields: avsc.types.RecordType['fields'], version: ChangeVersion, pos: number): number {
  const union = fields[VERSION_FIELD]!.type as unknown as { types: avsc.Type[] };
  let record: Record<string, unknown>;
  try {
    checkUnicode(writer, version.node);
    record = { ts: version.ts, rank: version.rank, node: version.node, prevTs: version.prev.ts, prevRank: version.prev.rank };
  } catch (cause) {
    if (cause instanceof TandemError) throw cause;
    throw envelopeError(writer, `version must be {ts, rank, node, prev: {ts, rank}}; got ${describeValue(version)}`, cause);
  }
  scratch[pos] = 2;
  try {
    return union.types[1]!.encode(record, scratch, pos + 1);
  } catch (cause) {
    throw envelopeError(
      writer,
      `avsc rejected the event's version ${describeValue(version)} (ts and prev.ts must be 64-bit bigints, rank and prev.rank 32-bit integers, ` +
        `node a string: ${cause instanceof Error ? cause.message : String(cause)})`,
      cause,
    );
  }
}

/** What avsc would not catch (enum values are looked up in a plain object) or would catch obscurely. */
function checkEnvelope(event: ChangeEvent, writer: WriterSchema): void {
  if (!OPERATIONS.has(event.op)) throw envelopeError(writer, `op must be c, u, d or t; got ${describeValue(event.op)}`);
  const needsAfter = event.op === 'c' || event.op === 'u';
  if ((event.after !== null) !== needsAfter) {
    throw envelopeError(writer, `a ${event.op} event ${needsAfter ? 'needs an after image' : 'has no after image'}`);
  }
  if (event.before !== null && (event.op === 'c' || event.op === 't')) {
    throw envelopeError(writer, `a ${event.op} event has no before image`);
  }
  if (event.op === 't' && event.version != null) throw envelopeError(writer, 'a t event has no row version');
  if (event.after === null && event.unchangedColumns.length > 0) {
    throw envelopeError(writer, 'unchangedColumns needs an after image');
  }
  const source: SourceBlock = event.source;
  if (!ENGINES.has(source.engine)) throw envelopeError(writer, `source.engine ${describeValue(source.engine)} is unknown`);
  if (!PRECISIONS.has(source.commitTimestampPrecision)) {
    throw envelopeError(writer, `source.commitTimestampPrecision ${describeValue(source.commitTimestampPrecision)} is unknown`);
  }
  // avsc would write a lone surrogate as invalid UTF-8; wrong types are left to avsc's own checks.
  // Readers share one source block per transaction and table, so it is checked once.
  if (!checkedSources.has(source)) {
    for (const text of [source.node, source.database, source.schema, source.table, source.txId]) checkUnicode(writer, text);
    checkedSources.add(source);
  }
  checkUnicode(writer, event.origin);
  checkUnicode(writer, event.transaction.id);
  const sequence = event.transaction.sequence;
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw envelopeError(writer, `transaction.sequence must be a non-negative integer; got ${describeValue(sequence)}`);
  }
}

const checkedSources = new WeakSet<SourceBlock>();

function checkUnicode(writer: WriterSchema, text: unknown): void {
  if (typeof text === 'string' && !isWellFormedUnicode(text)) {
    throw envelopeError(writer, `the envelope string ${describeValue(text)} contains a lone UTF-16 surrogate`);
  }
}

function envelopeError(writer: WriterSchema, problem: string, cause?: unknown): TandemError {
  return new TandemError(
    ErrorCodes.VALUE_UNSUPPORTED,
    `Cannot encode a change event of table ${describeTable(writer.table)} on node ${JSON.stringify(writer.table.node)}: ${problem}.`,
    { cause },
  );
}
