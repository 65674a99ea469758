import { ErrorCodes, TandemError } from '../../errors.js';
import type { Lsn } from './lsn.js';
import {
  UNCHANGED_TOAST,
  type PgoutputMessage,
  type RelationColumn,
  type ReplicaIdentity,
  type TupleData,
} from './messages.js';

/** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01T00:00:00Z). */
const PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000n;

/**
 * Decodes pgoutput logical replication messages, protocol version 1 (PostgreSQL 10+), text values.
 * Values are kept as the exact text the server sent; typing happens later against the type catalog.
 * Grammar: https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
 */
export function decodePgoutput(buf: Buffer): PgoutputMessage {
  const r = new Reader(buf);
  const tag = r.byte();
  switch (tag) {
    // Begin: 'B', Int64 final LSN of the transaction, Int64 commit timestamp (µs since 2000-01-01), Int32 xid.
    case 0x42:
      return { tag: 'begin', finalLsn: r.lsn(), commitTimeMicros: r.timestamp(), xid: r.uint32() };
    // Commit: 'C', Int8 flags (unused), Int64 commit LSN, Int64 end LSN of the transaction, Int64 commit timestamp.
    case 0x43:
      return { tag: 'commit', flags: r.byte(), commitLsn: r.lsn(), endLsn: r.lsn(), commitTimeMicros: r.timestamp() };
    // Origin: 'O', Int64 commit LSN on the origin server, String origin name.
    case 0x4f:
      return { tag: 'origin', originLsn: r.lsn(), name: r.cstring() };
    // Relation: 'R', Int32 OID, String namespace ("" means pg_catalog), String relation name,
    // Int8 replica identity, Int16 column count, then per column: Int8 flags (1 = part of the key),
    // String name, Int32 type OID, Int32 type modifier.
    case 0x52: {
      const relationOid = r.uint32();
      const schema = r.cstring() || 'pg_catalog';
      const table = r.cstring();
      const replicaIdentity = replicaIdentityOf(r.byte());
      const count = r.int16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = r.byte();
        columns.push({ isKey: (flags & 1) === 1, name: r.cstring(), typeOid: r.uint32(), typeMod: r.int32() });
      }
      return { tag: 'relation', relationOid, schema, table, replicaIdentity, columns };
    }
    // Type: 'Y', Int32 OID, String namespace, String type name.
    case 0x59:
      return { tag: 'type', typeOid: r.uint32(), schema: r.cstring() || 'pg_catalog', name: r.cstring() };
    // Insert: 'I', Int32 relation OID, 'N', TupleData.
    case 0x49: {
      const relationOid = r.uint32();
      r.expect(0x4e, 'N');
      return { tag: 'insert', relationOid, newTuple: r.tuple() };
    }
    // Update: 'U', Int32 relation OID, optionally ('K' | 'O') TupleData of the old key / old row, 'N' TupleData.
    case 0x55: {
      const relationOid = r.uint32();
      let marker = r.byte();
      let oldKind: 'key' | 'old' | null = null;
      let oldTuple: TupleData | null = null;
      if (marker === 0x4b || marker === 0x4f) {
        oldKind = marker === 0x4b ? 'key' : 'old';
        oldTuple = r.tuple();
        marker = r.byte();
      }
      if (marker !== 0x4e) throw protocolError(`update message: expected 'N', got byte ${marker}`);
      return { tag: 'update', relationOid, oldKind, oldTuple, newTuple: r.tuple() };
    }
    // Delete: 'D', Int32 relation OID, ('K' | 'O') TupleData.
    case 0x44: {
      const relationOid = r.uint32();
      const marker = r.byte();
      if (marker !== 0x4b && marker !== 0x4f) throw protocolError(`delete message: expected 'K' or 'O', got byte ${marker}`);
      return { tag: 'delete', relationOid, oldKind: marker === 0x4b ? 'key' : 'old', oldTuple: r.tuple() };
    }
    // Truncate: 'T', Int32 relation count, Int8 options (1 = CASCADE, 2 = RESTART IDENTITY), Int32 OID per relation.
    case 0x54: {
      const count = r.uint32();
      const options = r.byte();
      const relationOids: number[] = [];
      for (let i = 0; i < count; i++) relationOids.push(r.uint32());
      return { tag: 'truncate', cascade: (options & 1) !== 0, restartIdentity: (options & 2) !== 0, relationOids };
    }
    // Message: 'M', Int8 flags (1 = transactional), Int64 LSN, String prefix, Int32 length, Byte[length] content.
    case 0x4d: {
      const transactional = (r.byte() & 1) === 1;
      const lsn = r.lsn();
      const prefix = r.cstring();
      const length = r.int32();
      return { tag: 'message', transactional, lsn, prefix, content: Buffer.from(r.bytes(length)) };
    }
    default:
      throw protocolError(`unknown pgoutput message tag ${tag} ('${String.fromCharCode(tag)}')`);
  }
}

function replicaIdentityOf(byte: number): ReplicaIdentity {
  switch (byte) {
    case 0x64: return 'default';
    case 0x6e: return 'nothing';
    case 0x66: return 'full';
    case 0x69: return 'index';
    default: throw protocolError(`unknown replica identity '${String.fromCharCode(byte)}'`);
  }
}

function protocolError(message: string): TandemError {
  return new TandemError(ErrorCodes.PG_PROTOCOL, `${message}; this pgoutput stream is not one Tandem can read (protocol version 1 expected)`);
}

class Reader {
  #pos = 0;
  constructor(private readonly buf: Buffer) {}

  #need(n: number): void {
    if (this.#pos + n > this.buf.length) throw protocolError(`message truncated at byte ${this.#pos} (needs ${n} more of ${this.buf.length})`);
  }
  byte(): number {
    this.#need(1);
    return this.buf[this.#pos++]!;
  }
  expect(byte: number, name: string): void {
    const got = this.byte();
    if (got !== byte) throw protocolError(`expected '${name}', got byte ${got}`);
  }
  int16(): number {
    this.#need(2);
    const v = this.buf.readInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }
  int32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  uint32(): number {
    this.#need(4);
    const v = this.buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  lsn(): Lsn {
    this.#need(8);
    const v = this.buf.readBigUInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }
  /** Int64 microseconds since 2000-01-01, returned as microseconds since the Unix epoch. */
  timestamp(): bigint {
    this.#need(8);
    const v = this.buf.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v + PG_EPOCH_OFFSET_MICROS;
  }
  cstring(): string {
    const end = this.buf.indexOf(0, this.#pos);
    if (end < 0) throw protocolError('unterminated string');
    const s = this.buf.toString('utf8', this.#pos, end);
    this.#pos = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    this.#need(n);
    const b = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return b;
  }
  /** TupleData: Int16 column count, then per column 'n' (NULL) | 'u' (unchanged TOAST) | 't' Int32 length, text | 'b' Int32 length, binary. */
  tuple(): TupleData {
    const count = this.int16();
    const values: TupleData = new Array(count);
    for (let i = 0; i < count; i++) {
      const kind = this.byte();
      if (kind === 0x74) {
        const length = this.int32();
        this.#need(length);
        values[i] = this.buf.toString('utf8', this.#pos, this.#pos + length);
        this.#pos += length;
      } else if (kind === 0x6e) {
        values[i] = null;
      } else if (kind === 0x75) {
        values[i] = UNCHANGED_TOAST;
      } else {
        throw protocolError(`column ${i}: value kind '${String.fromCharCode(kind)}' (binary values are not requested)`);
      }
    }
    return values;
  }
}
