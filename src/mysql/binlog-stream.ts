import { ErrorCodes, TandemError } from '../errors.js';
import type { CommitTimestampPrecision } from '../model/change-event.js';
import type { BinlogConnection, DumpCommand } from './binlog-connection.js';
import { classifyEnd, refuseUnlessIgnorable } from './binlog-errors.js';
import { EventType } from './binlog/event-types.js';
import {
  decodeFormatDescription,
  decodeMariadbGtid,
  decodeMysqlGtid,
  decodeQuery,
  decodeRotate,
  DEFAULT_FORMAT,
  MariadbGtidFlags,
  readHeader,
  type BinlogFormat,
  type EventHeader,
  type QueryEvent,
} from './binlog/events.js';
import { rowsKindOf, type RowsKind } from './binlog/rows-event.js';
import { classifyStatement } from './statements.js';
import { formatGtid, type TransactionGtid } from './mysql-position.js';

/** One source transaction (binlog event group), as known from its GTID event. */
export interface BinlogTransaction {
  gtid: TransactionGtid;
  /** "0-1-42" (MariaDB) or "uuid:42" (MySQL). */
  gtidText: string;
  serverId: number;
  commitTimestampMicros: bigint;
  commitTimestampPrecision: CommitTimestampPrecision;
  file: string;
}

/** An event as the handler gets it: bytes valid only during the call. */
export interface RawEvent {
  header: EventHeader;
  buf: Buffer;
  format: BinlogFormat;
  file: string;
}

/**
 * What the stream reports, strictly in binlog order; each call may return a promise, and the next
 * call waits for it (the socket is paused when too much piles up behind it).
 */
export interface BinlogHandler {
  onTransactionStart(tx: BinlogTransaction): void | Promise<void>;
  onTableMap(tx: BinlogTransaction, event: RawEvent): void | Promise<void>;
  onRows(tx: BinlogTransaction, kind: RowsKind, event: RawEvent): void | Promise<void>;
  /** A statement other than BEGIN/COMMIT inside a transaction: DDL, TRUNCATE, or statement-based DML. */
  onStatement(tx: BinlogTransaction, query: QueryEvent, event: RawEvent): void | Promise<void>;
  /** The transaction is complete; `offset` is the end of its commit event in `file`. */
  onCommit(tx: BinlogTransaction, file: string, offset: number): void | Promise<void>;
}

export interface BinlogStreamOptions {
  /** Pause the socket once this many bytes of events wait for the handler. */
  highWaterBytes?: number;
  /** Fail (retryably) when no event, not even a heartbeat, arrives for this long. */
  silenceTimeoutMs?: number;
  /**
   * Whether events carry a CRC32 before the first FORMAT_DESCRIPTION says so: the artificial ROTATE the
   * server sends first is checksummed when @@global.binlog_checksum is CRC32 (acknowledged by the dump session).
   */
  initialChecksum?: boolean;
}

/**
 * Turns the raw event stream of a BinlogConnection into transactions for a BinlogHandler: tracks the
 * binlog file, the FORMAT_DESCRIPTION in force, event groups (GTID … XID/COMMIT, or GTID + one
 * standalone statement), and refuses events it cannot decode faithfully instead of skipping them.
 */
export class BinlogStream {
  readonly #connection: BinlogConnection;
  readonly #handler: BinlogHandler;
  readonly #highWater: number;
  readonly #silenceTimeoutMs: number;
  #format: BinlogFormat = DEFAULT_FORMAT;
  #file = '';
  #tx: BinlogTransaction | undefined;
  /** MySQL: the group began with BEGIN (else its one statement is the whole transaction). */
  #txHasBegin = false;
  #txStandalone = false;
  /** Events waiting for the handler: #queue[#head…]. */
  #queue: Buffer[] = [];
  #head = 0;
  #queuedBytes = 0;
  #busy = false;
  #failure: ((error: unknown) => void) | undefined;
  #lastEventAt = Date.now();
  #current: Promise<void> = Promise.resolve();

  constructor(connection: BinlogConnection, handler: BinlogHandler, options: BinlogStreamOptions = {}) {
    this.#connection = connection;
    this.#handler = handler;
    this.#highWater = options.highWaterBytes ?? 8 * 1024 * 1024;
    this.#silenceTimeoutMs = options.silenceTimeoutMs ?? 60_000;
    if (options.initialChecksum) this.#format = { ...DEFAULT_FORMAT, checksumLength: 4 };
  }

  /** The binlog file the stream is in (after the first ROTATE). */
  get file(): string {
    return this.#file;
  }

  /** Streams until the connection ends (rejects) or `stopped` resolves (resolves). */
  async run(command: DumpCommand, stopped: Promise<void>): Promise<void> {
    const failed = new Promise<never>((_, reject) => {
      this.#failure = reject;
    });
    failed.catch(() => undefined);
    const watchdog = setInterval(() => {
      if (Date.now() - this.#lastEventAt > this.#silenceTimeoutMs) {
        this.#fail(new TandemError(ErrorCodes.MYSQL_CONNECTION, `no binlog event or heartbeat for ${this.#silenceTimeoutMs} ms; reconnecting`, { canRetry: true }));
      }
    }, Math.min(5_000, this.#silenceTimeoutMs));
    watchdog.unref();
    this.#connection.startDump(command, {
      onEvent: (event) => this.#onEvent(event),
      onEnd: (error) => this.#fail(classifyEnd(error)),
    });
    try {
      await Promise.race([failed, stopped]);
    } finally {
      clearInterval(watchdog);
      this.#failure = undefined;
      this.#connection.close();
    }
  }

  #fail(error: unknown): void {
    const fail = this.#failure;
    this.#failure = undefined;
    this.#queue = [];
    this.#head = 0;
    fail?.(error);
  }

  #onEvent(event: Buffer): void {
    if (!this.#failure) return;
    this.#lastEventAt = Date.now();
    if (this.#busy) {
      this.#queue.push(Buffer.from(event));
      this.#queuedBytes += event.length;
      if (this.#queuedBytes > this.#highWater) this.#connection.pause();
      return;
    }
    this.#run(event);
  }

  /** Dispatches one event; when the handler returns a promise, later events queue until the queue drains. */
  #run(event: Buffer): void {
    let pending: void | Promise<void>;
    try {
      pending = this.#dispatch(event);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (pending) {
      this.#busy = true;
      this.#current = pending.then(() => this.#drain(), (error: unknown) => this.#fail(error));
    }
  }

  /** Resolves once the handler has finished with the events handed to it so far. */
  async idle(): Promise<void> {
    await this.#current;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#head < this.#queue.length && this.#failure) {
        const event = this.#queue[this.#head]!;
        this.#queue[this.#head++] = EMPTY;
        this.#queuedBytes -= event.length;
        if (this.#head === this.#queue.length) {
          this.#queue = [];
          this.#head = 0;
        } else if (this.#head >= 4096 && this.#head * 2 >= this.#queue.length) {
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        const pending = this.#dispatch(event);
        if (pending) await pending;
      }
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#busy = false;
    this.#connection.resume();
  }

  #dispatch(buf: Buffer): void | Promise<void> {
    const header = readHeader(buf);
    const type = header.type;
    const kind = rowsKindOf(type);
    if (kind) return this.#handler.onRows(this.#inTx(type), kind, { header, buf, format: this.#format, file: this.#file });
    switch (type) {
      case EventType.TABLE_MAP:
        return this.#handler.onTableMap(this.#inTx(type), { header, buf, format: this.#format, file: this.#file });
      case EventType.XID:
        return this.#commit(header);
      case EventType.QUERY:
        return this.#query(header, { header, buf, format: this.#format, file: this.#file });
      case EventType.MARIADB_GTID:
        return this.#mariadbGtid(header, buf);
      case EventType.GTID:
        return this.#mysqlGtid(header, buf);
      case EventType.ROTATE:
        this.#file = decodeRotate(buf, this.#format).file;
        return;
      case EventType.FORMAT_DESCRIPTION:
        this.#format = decodeFormatDescription(buf).format;
        return;
      case EventType.HEARTBEAT:
      case EventType.HEARTBEAT_V2:
      case EventType.MARIADB_GTID_LIST:
      case EventType.MARIADB_BINLOG_CHECKPOINT:
      case EventType.PREVIOUS_GTIDS:
      case EventType.MARIADB_ANNOTATE_ROWS:
      case EventType.ROWS_QUERY:
      case EventType.INTVAR:
      case EventType.RAND:
      case EventType.USER_VAR:
      case EventType.STOP:
      case EventType.IGNORABLE:
      case EventType.TRANSACTION_CONTEXT:
      case EventType.VIEW_CHANGE:
        return;
      default:
        return refuseUnlessIgnorable(header, this.#file);
    }
  }

  #inTx(type: number): BinlogTransaction {
    if (!this.#tx) throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `binlog event of type ${type} outside a GTID event group in ${this.#file}`);
    return this.#tx;
  }

  #mariadbGtid(header: EventHeader, buf: Buffer): void | Promise<void> {
    const event = decodeMariadbGtid(buf, this.#format);
    if (event.flags & (MariadbGtidFlags.PREPARED_XA | MariadbGtidFlags.COMPLETED_XA)) {
      throw new TandemError(
        ErrorCodes.MYSQL_PRECONDITION,
        `transaction ${event.domain}-${header.serverId}-${event.seq} in ${this.#file} is an XA transaction, which Tandem does not read yet; avoid XA on replicated sources`,
      );
    }
    const gtid: TransactionGtid = { flavor: 'mariadb', domain: event.domain, server: header.serverId, seq: event.seq };
    this.#txStandalone = (event.flags & MariadbGtidFlags.STANDALONE) !== 0;
    this.#txHasBegin = !this.#txStandalone;
    return this.#begin(gtid, header, BigInt(header.timestamp) * 1_000_000n, 'seconds');
  }

  #mysqlGtid(header: EventHeader, buf: Buffer): void | Promise<void> {
    const event = decodeMysqlGtid(buf, this.#format);
    const gtid: TransactionGtid = { flavor: 'mysql', uuid: event.uuid, gno: event.gno };
    this.#txStandalone = false;
    this.#txHasBegin = false;
    if (event.commitTimestampMicros !== null) return this.#begin(gtid, header, event.commitTimestampMicros, 'micros');
    return this.#begin(gtid, header, BigInt(header.timestamp) * 1_000_000n, 'seconds');
  }

  #begin(gtid: TransactionGtid, header: EventHeader, commitTimestampMicros: bigint, precision: CommitTimestampPrecision): void | Promise<void> {
    if (this.#tx) throw new TandemError(ErrorCodes.MYSQL_PROTOCOL, `GTID ${formatGtid(gtid)} starts before transaction ${this.#tx.gtidText} ended`);
    this.#tx = {
      gtid,
      gtidText: formatGtid(gtid),
      serverId: header.serverId,
      commitTimestampMicros,
      commitTimestampPrecision: precision,
      file: this.#file,
    };
    return this.#handler.onTransactionStart(this.#tx);
  }

  #query(header: EventHeader, event: RawEvent): void | Promise<void> {
    const query = decodeQuery(event.buf, this.#format);
    const kind = classifyStatement(query.query);
    const tx = this.#inTx(EventType.QUERY);
    if (kind === 'begin') {
      this.#txHasBegin = true;
      return;
    }
    if (kind === 'commit' || kind === 'rollback') return this.#commit(header);
    if (kind === 'xa') {
      throw new TandemError(ErrorCodes.MYSQL_PRECONDITION, `transaction ${tx.gtidText} in ${this.#file} is an XA transaction, which Tandem does not read yet; avoid XA on replicated sources`);
    }
    const handled = this.#handler.onStatement(tx, query, event);
    if (this.#txHasBegin && !this.#txStandalone) return handled;
    if (handled) return handled.then(() => this.#commit(header));
    return this.#commit(header);
  }

  #commit(header: EventHeader): void | Promise<void> {
    const tx = this.#inTx(header.type);
    this.#tx = undefined;
    return this.#handler.onCommit(tx, this.#file, header.logPos);
  }
}

const EMPTY = Buffer.alloc(0);
