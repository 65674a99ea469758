import { describe, expect, it } from 'vitest';
import { encodeDumpCommand } from '../../../src/mysql/binlog-connection.js';
import { decodeBinaryDecimal, decimalBinarySize } from '../../../src/mysql/binlog/decimal.js';
import { decodeMariadbGtid, decodeMysqlGtid, decodeFormatDescription, type BinlogFormat } from '../../../src/mysql/binlog/events.js';
import { binaryJsonToText } from '../../../src/mysql/binlog/json-binary.js';

/*
 * MySQL 8 differs from the stack's MariaDB in its GTID event (UUID:number, with microsecond commit
 * timestamps), its GTID dump command and binary JSON. No MySQL server runs here, so these events are
 * built byte by byte from the format MySQL documents (libbinlogevents control_events.h, json_binary.h)
 * and decoded.
 */
const NO_CHECKSUM: BinlogFormat = { checksumLength: 0, postHeaderLengths: [] };

function header(type: number, bodyLength: number, serverId = 7): Buffer {
  const h = Buffer.alloc(19);
  h.writeUInt32LE(1_700_000_000, 0);
  h[4] = type;
  h.writeUInt32LE(serverId, 5);
  h.writeUInt32LE(19 + bodyLength, 9);
  h.writeUInt32LE(1000, 13);
  return h;
}

describe('MySQL 8 GTID_LOG_EVENT', () => {
  // flags | sid[16] | gno i64 | lt_type=2 | last_committed i64 | sequence_number i64 |
  // immediate_commit_timestamp u56 (bit 55: original follows) | original_commit_timestamp u56 | trx length packed | server versions
  const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const commitMicros = 1_700_000_000_123_456n;
  function gtidEvent(withOriginal: boolean): Buffer {
    const body: Buffer[] = [Buffer.from([1]), Buffer.from(uuid.replaceAll('-', ''), 'hex')];
    const gno = Buffer.alloc(8);
    gno.writeBigInt64LE(23n);
    body.push(gno, Buffer.from([2]), Buffer.alloc(8, 1), Buffer.alloc(8, 2));
    const ts = Buffer.alloc(7);
    ts.writeUIntLE(Number(commitMicros & 0xffffffffffffn), 0, 6);
    ts[6] = Number(commitMicros >> 48n) | (withOriginal ? 0x80 : 0);
    body.push(ts);
    if (withOriginal) body.push(Buffer.alloc(7, 0x11));
    body.push(Buffer.from([0xfc, 0x10, 0x27]), Buffer.from([0x28, 0x9c, 0x01, 0x00]));
    const b = Buffer.concat(body);
    return Buffer.concat([header(33, b.length), b]);
  }

  it('reads the UUID, transaction number and the microsecond immediate commit timestamp', () => {
    expect(decodeMysqlGtid(gtidEvent(false), NO_CHECKSUM)).toEqual({ uuid, gno: 23n, commitTimestampMicros: commitMicros });
  });

  it('masks the "original timestamp follows" bit', () => {
    expect(decodeMysqlGtid(gtidEvent(true), NO_CHECKSUM).commitTimestampMicros).toBe(commitMicros);
  });

  it('has no commit timestamp in the 5.7 form', () => {
    const full = gtidEvent(false);
    const short = Buffer.from(full.subarray(0, 19 + 1 + 16 + 8));
    short.writeUInt32LE(short.length, 9);
    expect(decodeMysqlGtid(short, NO_CHECKSUM).commitTimestampMicros).toBeNull();
  });
});

describe('MariaDB GTID_EVENT', () => {
  it('reads sequence number, domain and flags (the server id is the header\'s)', () => {
    const body = Buffer.alloc(13 + 6);
    body.writeBigUInt64LE(42n, 0);
    body.writeUInt32LE(3, 8);
    body[12] = 0x01 | 0x20;
    expect(decodeMariadbGtid(Buffer.concat([header(162, body.length), body]), NO_CHECKSUM)).toEqual({ seq: 42n, domain: 3, flags: 0x21 });
  });
});

describe('FORMAT_DESCRIPTION', () => {
  it('finds the checksum algorithm and post-header lengths', () => {
    const body = Buffer.alloc(2 + 50 + 4 + 1 + 40 + 5);
    body.writeUInt16LE(4, 0);
    body.write('8.0.36', 2, 'latin1');
    body[56] = 19;
    body[57 + 18] = 8; // TABLE_MAP (19)
    body[57 + 29] = 10; // WRITE_ROWS_V2 (30)
    body[57 + 40] = 1; // CRC32
    const event = Buffer.concat([header(15, body.length), body]);
    const fde = decodeFormatDescription(event);
    expect(fde.serverVersion).toBe('8.0.36');
    expect(fde.format.checksumLength).toBe(4);
    expect(fde.format.postHeaderLengths[19]).toBe(8);
    expect(fde.format.postHeaderLengths[30]).toBe(10);
  });
});

describe('COM_BINLOG_DUMP_GTID', () => {
  it('encodes flags, server id, empty file name, position 4 and the GTID set', () => {
    const set = Buffer.from([1, 2, 3]);
    const packet = encodeDumpCommand({ kind: 'mysql-gtid', serverId: 0x01020304, gtidSet: set });
    expect(packet.subarray(4).toString('hex')).toBe(['1e', '0400', '04030201', '00000000', '0400000000000000', '03000000', '010203'].join(''));
  });

  it('encodes COM_BINLOG_DUMP for MariaDB (file + position; the GTID start goes in @slave_connect_state)', () => {
    const packet = encodeDumpCommand({ kind: 'file', serverId: 9, file: 'binlog.000002', position: 4 });
    expect(packet.subarray(4).toString('hex')).toBe(['12', '04000000', '0000', '09000000', Buffer.from('binlog.000002').toString('hex')].join(''));
  });
});

describe('binary DECIMAL', () => {
  // The examples of MySQL's decimal2bin documentation: 1234567890.1234 as DECIMAL(14,4).
  it('decodes positive and negative values exactly', () => {
    expect(decimalBinarySize(14, 4)).toBe(7);
    expect(decodeBinaryDecimal(Buffer.from('810dfb38d204d2', 'hex'), 0, 14, 4)).toBe('1234567890.1234');
    expect(decodeBinaryDecimal(Buffer.from('7ef204c72dfb2d', 'hex'), 0, 14, 4)).toBe('-1234567890.1234');
  });

  it('keeps the scale, drops leading zeros and never prints -0', () => {
    expect(decodeBinaryDecimal(Buffer.from('80000000', 'hex'), 0, 5, 2)).toBe('0.00');
    expect(decodeBinaryDecimal(Buffer.from('7fffffff', 'hex'), 0, 5, 2)).toBe('0.00');
    expect(decodeBinaryDecimal(Buffer.from('8001', 'hex'), 0, 4, 2)).toBe('0.01');
    expect(decodeBinaryDecimal(Buffer.from('7ffe', 'hex'), 0, 4, 2)).toBe('-0.01');
  });
});

describe('MySQL binary JSON', () => {
  it('prints objects, arrays, literals, numbers and strings as MySQL does', () => {
    // {"a": 1, "b": [true, null, "x"]} as a small object.
    const array = Buffer.from([
      0x03, 0x00, // count
      0x0e, 0x00, // size
      0x04, 0x01, 0x00, // true (inline)
      0x04, 0x00, 0x00, // null (inline)
      0x0c, 0x0d, 0x00, // string at offset 13
      0x01, 0x78, // "x"
    ]);
    const keys = Buffer.from('ab');
    const object = Buffer.alloc(4 + 2 * 4 + 2 * 3);
    object.writeUInt16LE(2, 0);
    const keysAt = object.length;
    const arrayAt = keysAt + keys.length;
    object.writeUInt16LE(arrayAt + array.length, 2);
    object.writeUInt16LE(keysAt, 4);
    object.writeUInt16LE(1, 6);
    object.writeUInt16LE(keysAt + 1, 8);
    object.writeUInt16LE(1, 10);
    object[12] = 0x05; // int16 inline
    object.writeInt16LE(1, 13);
    object[15] = 0x02; // small array
    object.writeUInt16LE(arrayAt, 16);
    const doc = Buffer.concat([Buffer.from([0x00]), object, keys, array]);
    expect(binaryJsonToText(doc)).toBe('{"a": 1, "b": [true, null, "x"]}');
  });

  it('prints scalars', () => {
    const dbl = Buffer.alloc(9);
    dbl[0] = 0x0b;
    dbl.writeDoubleLE(2.5, 1);
    expect(binaryJsonToText(dbl)).toBe('2.5');
    expect(binaryJsonToText(Buffer.from([0x0c, 0x03, 0x22, 0x0a, 0x41]))).toBe('"\\"\\nA"');
    const u64 = Buffer.alloc(9);
    u64[0] = 0x0a;
    u64.writeBigUInt64LE(18446744073709551615n, 1);
    expect(binaryJsonToText(u64)).toBe('18446744073709551615');
    expect(binaryJsonToText(Buffer.alloc(0))).toBe('null');
  });
});
