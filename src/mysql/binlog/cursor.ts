import { ErrorCodes, TandemError } from '../../errors.js';

/**
 * A read position over one binlog event's bytes. All integers in the binlog framing are little-endian;
 * the few big-endian value formats (DECIMAL, DATETIME2, TIME2, TIMESTAMP2, BIT) read their bytes through
 * `bytes()` or the explicit *BE helpers.
 */
export class Cursor {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    /** Exclusive end: the event's last byte before any checksum. */
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (this.pos + n > this.end) {
      throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `binlog event truncated: needed ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** 6-byte unsigned (table ids). */
  u48(): number {
    this.need(6);
    const v = this.buf.readUIntLE(this.pos, 6);
    this.pos += 6;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** An unsigned little-endian integer of 1..6 bytes. */
  uintLE(n: number): number {
    this.need(n);
    const v = this.buf.readUIntLE(this.pos, n);
    this.pos += n;
    return v;
  }

  /** An unsigned big-endian integer of 1..6 bytes. */
  uintBE(n: number): number {
    this.need(n);
    const v = this.buf.readUIntBE(this.pos, n);
    this.pos += n;
    return v;
  }

  /**
   * Length-encoded ("packed") integer: < 0xfb the byte itself; 0xfc + 2 bytes; 0xfd + 3 bytes; 0xfe + 8 bytes.
   * Values beyond 2^53 never occur as lengths or counts; they are refused rather than rounded.
   */
  packed(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) {
      const v = this.u64();
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `length-encoded integer ${v} is out of range`);
      return Number(v);
    }
    throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `invalid length-encoded integer prefix 0x${first.toString(16)} at offset ${this.pos - 1}`);
  }

  /** A view (not a copy) of the next n bytes. */
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A copy of the next n bytes (for values that outlive the event's buffer). */
  copy(n: number): Buffer {
    this.need(n);
    const v = Buffer.allocUnsafe(n);
    this.buf.copy(v, 0, this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  rest(): Buffer {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  utf8(n: number): string {
    this.need(n);
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Bytes up to (excluding) the next NUL, which is consumed. */
  nulTerminated(): string {
    const nul = this.buf.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `binlog event truncated: no NUL after offset ${this.pos}`);
    const v = this.buf.toString('utf8', this.pos, nul);
    this.pos = nul + 1;
    return v;
  }
}
