import { ErrorCodes, TandemError } from '../../errors.js';
import { Cursor } from './cursor.js';
import { ChecksumAlg, EventType, LOG_EVENT_HEADER_LENGTH } from './event-types.js';

/*
 * Binlog event framing (v4, MySQL 5.0+ and every MariaDB):
 *
 *   header (19 bytes): timestamp u32 | type u8 | server_id u32 | event_size u32 | log_pos u32 | flags u16
 *   post-header (fixed length per type, from the FORMAT_DESCRIPTION event)
 *   body
 *   checksum u32 (CRC32) when the FORMAT_DESCRIPTION says so
 *
 * log_pos is the position of the *next* event in the binlog file (0 in artificial events).
 */

export interface EventHeader {
  /** Seconds since the epoch (statement start time on the source). */
  timestamp: number;
  type: number;
  serverId: number;
  eventSize: number;
  /** End position of this event in its binlog file (0 for artificial events). */
  logPos: number;
  flags: number;
}

/** What the decoder needs from the current binlog file's FORMAT_DESCRIPTION event. */
export interface BinlogFormat {
  checksumLength: 0 | 4;
  /** Post-header length of each event type, indexed by type code. */
  postHeaderLengths: number[];
}

/** Until a FORMAT_DESCRIPTION arrives: the v4 defaults, no checksum. */
export const DEFAULT_FORMAT: BinlogFormat = { checksumLength: 0, postHeaderLengths: [] };

export function readHeader(buf: Buffer): EventHeader {
  if (buf.length < LOG_EVENT_HEADER_LENGTH) throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `binlog event of ${buf.length} bytes is shorter than its header`);
  return {
    timestamp: buf.readUInt32LE(0),
    type: buf[4]!,
    serverId: buf.readUInt32LE(5),
    eventSize: buf.readUInt32LE(9),
    logPos: buf.readUInt32LE(13),
    flags: buf.readUInt16LE(17),
  };
}

/** A cursor over the event's post-header and body, checksum excluded. */
export function bodyCursor(buf: Buffer, format: BinlogFormat): Cursor {
  return new Cursor(buf, LOG_EVENT_HEADER_LENGTH, buf.length - format.checksumLength);
}

export function postHeaderLength(format: BinlogFormat, type: number, fallback: number): number {
  return format.postHeaderLengths[type] ?? fallback;
}

/*
 * FORMAT_DESCRIPTION (15):
 *   binlog_version u16 | server_version char[50] | create_timestamp u32 | header_length u8 |
 *   post_header_length u8[n] (entry i is for type i+1) | checksum_alg u8 | checksum u32
 * The checksum algorithm byte and the 4 checksum bytes are always there for servers that know checksums.
 */
export interface FormatDescriptionEvent {
  binlogVersion: number;
  serverVersion: string;
  format: BinlogFormat;
}

export function decodeFormatDescription(buf: Buffer): FormatDescriptionEvent {
  const c = new Cursor(buf, LOG_EVENT_HEADER_LENGTH, buf.length);
  const binlogVersion = c.u16();
  const serverVersion = c.bytes(50).toString('latin1').replace(/\0+$/, '');
  c.skip(4);
  const headerLength = c.u8();
  if (headerLength !== LOG_EVENT_HEADER_LENGTH) {
    throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `binlog header length ${headerLength} is not the v4 length ${LOG_EVENT_HEADER_LENGTH}; this binlog format is not supported`);
  }
  const alg = buf[buf.length - 5]!;
  const lengths = buf.subarray(c.pos, buf.length - 5);
  const postHeaderLengths: number[] = [];
  for (let i = 0; i < lengths.length; i++) postHeaderLengths[i + 1] = lengths[i]!;
  if (alg !== ChecksumAlg.OFF && alg !== ChecksumAlg.CRC32) {
    throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `binlog checksum algorithm ${alg} is unknown (expected NONE or CRC32)`);
  }
  return { binlogVersion, serverVersion, format: { checksumLength: alg === ChecksumAlg.CRC32 ? 4 : 0, postHeaderLengths } };
}

/* ROTATE (4): position u64 | next binlog file name (rest of the event). */
export interface RotateEvent {
  position: bigint;
  file: string;
}

export function decodeRotate(buf: Buffer, format: BinlogFormat): RotateEvent {
  const c = bodyCursor(buf, format);
  const position = c.u64();
  return { position, file: c.rest().toString('utf8') };
}

/*
 * QUERY (2):
 *   post-header: slave_proxy_id u32 | exec_time u32 | db_len u8 | error_code u16 | status_vars_len u16
 *   body: status_vars[status_vars_len] | db[db_len] | NUL | query text (rest)
 */
export interface QueryEvent {
  database: string;
  query: string;
  errorCode: number;
}

export function decodeQuery(buf: Buffer, format: BinlogFormat): QueryEvent {
  const c = bodyCursor(buf, format);
  const postHeader = postHeaderLength(format, EventType.QUERY, 13);
  const start = c.pos;
  c.skip(8);
  const dbLength = c.u8();
  const errorCode = c.u16();
  const statusLength = postHeader >= 13 ? c.u16() : 0;
  c.pos = start + postHeader;
  c.skip(statusLength);
  const database = c.utf8(dbLength);
  c.skip(1);
  return { database, query: c.rest().toString('utf8'), errorCode };
}

/* XID (16): xid u64. */
export function decodeXid(buf: Buffer, format: BinlogFormat): bigint {
  return bodyCursor(buf, format).u64();
}

/*
 * MariaDB GTID (162):
 *   seq_no u64 | domain_id u32 | flags2 u8 | [commit_id u64 if flags2 & FL_GROUP_COMMIT_ID] | [XA xid if FL_PREPARED_XA|FL_COMPLETED_XA] | …
 * The server id of the GTID is the event header's server id.
 */
export const MariadbGtidFlags = {
  STANDALONE: 1,
  GROUP_COMMIT_ID: 2,
  TRANSACTIONAL: 4,
  ALLOW_PARALLEL: 8,
  WAITED: 16,
  DDL: 32,
  PREPARED_XA: 64,
  COMPLETED_XA: 128,
} as const;

export interface MariadbGtidEvent {
  domain: number;
  seq: bigint;
  flags: number;
}

export function decodeMariadbGtid(buf: Buffer, format: BinlogFormat): MariadbGtidEvent {
  const c = bodyCursor(buf, format);
  const seq = c.u64();
  const domain = c.u32();
  const flags = c.u8();
  return { domain, seq, flags };
}

/* MariaDB GTID_LIST (163): count u32 (low 28 bits; high 4 bits flags) | count × (domain u32 | server u32 | seq u64). */
export interface MariadbGtid {
  domain: number;
  server: number;
  seq: bigint;
}

export function decodeMariadbGtidList(buf: Buffer, format: BinlogFormat): MariadbGtid[] {
  const c = bodyCursor(buf, format);
  const count = c.u32() & 0x0fffffff;
  const out: MariadbGtid[] = [];
  for (let i = 0; i < count; i++) out.push({ domain: c.u32(), server: c.u32(), seq: c.u64() });
  return out;
}

/*
 * MySQL GTID (33) / ANONYMOUS_GTID (34):
 *   flags u8 | sid byte[16] | gno i64 |
 *   [lt_type u8 (=2) | last_committed i64 | sequence_number i64]            (5.7+)
 *   [immediate_commit_timestamp u56, bit 55 set: original_commit_timestamp u56 follows]  (8.0.1+)
 *   [transaction_length packed] [immediate_server_version u32 …]            (8.0.2+)
 * Commit timestamps are microseconds since the epoch.
 */
export interface MysqlGtidEvent {
  /** Server UUID in canonical lower-case text. */
  uuid: string;
  gno: bigint;
  /** immediate_commit_timestamp when the server writes it (MySQL 8.0.1+), else null. */
  commitTimestampMicros: bigint | null;
}

export function decodeMysqlGtid(buf: Buffer, format: BinlogFormat): MysqlGtidEvent {
  const c = bodyCursor(buf, format);
  c.skip(1);
  const uuid = formatUuidBytes(c.bytes(16));
  const gno = c.u64();
  let commitTimestampMicros: bigint | null = null;
  if (c.remaining >= 17 && c.buf[c.pos] === 2) {
    c.skip(17);
    if (c.remaining >= 7) {
      const raw = BigInt(c.uintLE(6)) | (BigInt(c.u8()) << 48n);
      commitTimestampMicros = raw & ((1n << 55n) - 1n);
    }
  }
  return { uuid, gno, commitTimestampMicros };
}

export function formatUuidBytes(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
