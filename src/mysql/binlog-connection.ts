import mysql from 'mysql2';
import type { Connection, ConnectionOptions } from 'mysql2';
import { ErrorCodes, TandemError } from '../errors.js';

/*
 * The replica side of the binlog protocol, over a mysql2 connection (which does the handshake and
 * authentication, caching_sha2_password included):
 *
 *   COM_BINLOG_DUMP      0x12 | binlog_pos u32 | flags u16 | server_id u32 | binlog_filename (rest)
 *   COM_BINLOG_DUMP_GTID 0x1e | flags u16 | server_id u32 | filename_len u32 | filename | binlog_pos u64 |
 *                        data_len u32 | encoded GTID set (MySQL; flags 0x04 BINLOG_THROUGH_GTID)
 *
 * The server then streams one packet per event: 0x00 | event bytes; an ERR packet (0xff | code u16 |
 * '#' sqlstate[5] | message) ends the stream with an error; an EOF packet (0xfe, < 9 bytes) ends it in
 * non-blocking mode (never used here).
 */

export interface BinlogServerError {
  errno: number;
  sqlState: string;
  message: string;
}

export interface BinlogSink {
  /** One event's bytes (header onwards). Valid only during the call; copy what must outlive it. */
  onEvent(event: Buffer): void;
  /** The stream ended: with the server's error, or because the connection closed. */
  onEnd(error: BinlogServerError | Error | undefined): void;
}

export type DumpCommand =
  | { kind: 'file'; serverId: number; file: string; position: number }
  | { kind: 'mysql-gtid'; serverId: number; gtidSet: Buffer };

const COM_BINLOG_DUMP = 0x12;
const COM_BINLOG_DUMP_GTID = 0x1e;
const BINLOG_THROUGH_GTID = 0x04;

export function encodeDumpCommand(command: DumpCommand): Buffer {
  if (command.kind === 'file') {
    const name = Buffer.from(command.file, 'utf8');
    const out = Buffer.alloc(4 + 11 + name.length);
    let p = 4;
    out[p++] = COM_BINLOG_DUMP;
    p = out.writeUInt32LE(command.position, p);
    p = out.writeUInt16LE(0, p);
    p = out.writeUInt32LE(command.serverId, p);
    name.copy(out, p);
    return out;
  }
  const out = Buffer.alloc(4 + 1 + 2 + 4 + 4 + 0 + 8 + 4 + command.gtidSet.length);
  let p = 4;
  out[p++] = COM_BINLOG_DUMP_GTID;
  p = out.writeUInt16LE(BINLOG_THROUGH_GTID, p);
  p = out.writeUInt32LE(command.serverId, p);
  p = out.writeUInt32LE(0, p);
  p = out.writeBigUInt64LE(4n, p);
  p = out.writeUInt32LE(command.gtidSet.length, p);
  command.gtidSet.copy(out, p);
  return out;
}

interface RawPacket {
  buffer: Buffer;
  start: number;
  end: number;
}

interface Mysql2Internals {
  addCommand(cmd: unknown): unknown;
  writePacket(packet: unknown): void;
  _resetSequenceId(): void;
}

/** A mysql2 connection that turns into a binlog stream once `startDump` is called. */
export class BinlogConnection {
  readonly #connection: Connection;
  #paused = false;
  #ended = false;

  private constructor(connection: Connection) {
    this.#connection = connection;
  }

  static async open(options: ConnectionOptions): Promise<BinlogConnection> {
    const connection = mysql.createConnection({ ...options, dateStrings: true });
    await new Promise<void>((resolve, reject) => {
      connection.connect((error) => (error ? reject(error) : resolve()));
    }).catch((cause: unknown) => {
      connection.destroy();
      throw new TandemError(ErrorCodes.MYSQL_CONNECTION, `cannot open the binlog connection: ${(cause as Error).message}`, { cause, canRetry: true });
    });
    return new BinlogConnection(connection);
  }

  /** Session settings before the dump (checksum acknowledgement, MariaDB capability and GTID start, heartbeat). */
  async query(sql: string): Promise<unknown[]> {
    const [rows] = await this.#connection.promise().query(sql);
    return Array.isArray(rows) ? rows : [];
  }

  startDump(command: DumpCommand, sink: BinlogSink): void {
    const payload = encodeDumpCommand(command);
    const connection = this.#connection as unknown as Mysql2Internals;
    let started = false;
    const end = (error: BinlogServerError | Error | undefined) => {
      if (this.#ended) return;
      this.#ended = true;
      sink.onEnd(error);
    };
    const dump = {
      execute: (packet: RawPacket | undefined): boolean => {
        if (!started) {
          started = true;
          connection._resetSequenceId();
          connection.writePacket({
            buffer: payload,
            length: () => payload.length,
            writeHeader(sequenceId: number) {
              payload.writeUIntLE(payload.length - 4, 0, 3);
              payload[3] = sequenceId;
            },
          });
          return false;
        }
        if (!packet) return false;
        const first = packet.buffer[packet.start + 4];
        if (first === 0x00) {
          sink.onEvent(packet.buffer.subarray(packet.start + 5, packet.end));
          return false;
        }
        if (first === 0xff) {
          end(parseErrorPacket(packet.buffer.subarray(packet.start + 4, packet.end)));
          return true;
        }
        end(new TandemError(ErrorCodes.MYSQL_PROTOCOL, `the server ended the binlog stream (packet type 0x${(first ?? 0).toString(16)})`, { canRetry: true }));
        return true;
      },
    };
    this.#connection.on('error', (error) => end(error));
    this.#connection.on('end', () => end(new TandemError(ErrorCodes.MYSQL_CONNECTION, 'the binlog connection closed', { canRetry: true })));
    connection.addCommand(dump);
  }

  /** Stops reading the socket (the server blocks once TCP buffers fill); events already read are held by mysql2. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#connection.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#connection.resume();
  }

  /** Closes at once: mysql2's destroy() only half-closes, and a dump thread waiting for events would keep the socket open. */
  close(): void {
    this.#ended = true;
    this.#connection.destroy();
    (this.#connection as unknown as { stream?: { destroy(): void } }).stream?.destroy();
  }
}

function parseErrorPacket(payload: Buffer): BinlogServerError {
  const errno = payload.readUInt16LE(1);
  const hasState = payload[3] === 0x23;
  return {
    errno,
    sqlState: hasState ? payload.toString('latin1', 4, 9) : '',
    message: payload.toString('utf8', hasState ? 9 : 3),
  };
}
