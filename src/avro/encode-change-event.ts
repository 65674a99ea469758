/**
 * The hot path: one ChangeEvent -> one Kafka message value.
 *
 * Wire format: Avro single-object encoding — C3 01, the writer schema's CRC-64-AVRO fingerprint
 * (8 bytes little-endian), then the Avro binary encoding of the envelope record:
 *   op (enum index) | before (union: 0 null, 1 row) | after (same) | beforeKeyOnly (boolean)
 *   | unchangedColumns (array of string) | source (record) | origin (string) | transaction (record)
 *   | tandemSchemaId_<digest> (null: zero bytes)
 * A row record is its fields in column order, each a union index (0 = null) then the value.
 *
 * Per call: the row images are converted and validated column by column (precompiled codecs), avsc's
 * compiled writer serialises into a reused scratch buffer after the precomputed header, and the result
 * is copied out once. No JSON and no schema work.
 */
import type avsc from 'avsc';
import { ErrorCodes, TandemError } from '../errors.js';
import type { ChangeEvent, SourceBlock } from '../model/change-event.js';
import { isWellFormedUnicode } from './avro-names.js';
import { afterImageToAvro, beforeImageToAvro } from './row-layout.js';
import { SINGLE_OBJECT_HEADER_LENGTH } from './single-object.js';
import { describeTable, tableStructureKey } from './table-structure.js';
import { describeValue } from './value-description.js';
import type { WriterSchema } from './writer-schema.js';

const OPERATIONS: ReadonlySet<unknown> = new Set(['c', 'u', 'd', 't']);
const ENGINES: ReadonlySet<unknown> = new Set(['postgres', 'mysql']);
const PRECISIONS: ReadonlySet<unknown> = new Set(['micros', 'seconds']);

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
    throw envelopeError(writer, `avsc rejected the event's source or transaction block (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  return writeSingleObject(writer, head, tail);
}

/**
 * The envelope's fields after `unchangedColumns` — source, origin, transaction.id — are the same for
 * every event of one source transaction and table (readers share one source block object for them),
 * so their bytes are encoded once and copied; only transaction.sequence (a zig-zag varint) is new.
 */
function envelopeTail(writer: WriterSchema, event: ChangeEvent): Buffer {
  const cached = tailCache.get(event.source);
  const sequence = zigzagVarint(event.transaction.sequence);
  if (cached && cached.writer === writer && cached.origin === event.origin && cached.transactionId === event.transaction.id) {
    return Buffer.concat([cached.bytes, sequence]);
  }
  const fields = (writer.type as unknown as avsc.types.RecordType).fields;
  const transactionType = fields[7]!.type as unknown as avsc.types.RecordType;
  const bytes = Buffer.concat([
    fields[5]!.type.toBuffer(event.source),
    fields[6]!.type.toBuffer(event.origin),
    transactionType.fields[0]!.type.toBuffer(event.transaction.id),
  ]);
  tailCache.set(event.source, { writer, origin: event.origin, transactionId: event.transaction.id, bytes });
  return Buffer.concat([bytes, sequence]);
}

const tailCache = new WeakMap<object, { writer: WriterSchema; origin: string; transactionId: string; bytes: Buffer }>();

/** Avro long encoding of a non-negative safe integer: zig-zag (2n), then base-128 varint. */
function zigzagVarint(n: number): Buffer {
  const bytes: number[] = [];
  let v = BigInt(n) * 2n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}

/** Header, then the envelope's first five fields (each with its own avsc type), then the tail bytes. */
function writeSingleObject(writer: WriterSchema, head: unknown[], tail: Buffer): Buffer {
  const fields = (writer.type as unknown as avsc.types.RecordType).fields;
  for (;;) {
    let end = SINGLE_OBJECT_HEADER_LENGTH;
    try {
      for (let i = 0; i < head.length && end >= 0; i++) end = fields[i]!.type.encode(head[i], scratch, end);
    } catch (cause) {
      // Row values are validated before this point, so this is an envelope field avsc refused.
      throw envelopeError(writer, `avsc rejected the event (${cause instanceof Error ? cause.message : String(cause)})`, cause);
    }
    if (end >= 0 && end + tail.length <= scratch.length) {
      const out = Buffer.allocUnsafe(end + tail.length);
      writer.header.copy(out, 0);
      scratch.copy(out, SINGLE_OBJECT_HEADER_LENGTH, SINGLE_OBJECT_HEADER_LENGTH, end);
      tail.copy(out, end);
      if (scratch.length > SCRATCH_KEEP_LIMIT) scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
      return out;
    }
    // encode() returns minus the number of missing bytes when the buffer is too small.
    scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - Math.min(end, 0) + tail.length));
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
