import { ErrorCodes, TandemError } from '../errors.js';
import type { BinlogServerError } from './binlog-connection.js';
import { EventType } from './binlog/event-types.js';
import type { EventHeader } from './binlog/events.js';

/** Events whose content the reader cannot decode faithfully: refused, never skipped. */
export function refuseUnlessIgnorable(header: EventHeader, file: string): void {
  const at = `${file}:${header.logPos - header.eventSize}`;
  const fix: Record<number, string> = {
    [EventType.TRANSACTION_PAYLOAD]: 'compressed transaction payload (binlog_transaction_compression=ON); set binlog_transaction_compression=OFF',
    [EventType.PARTIAL_UPDATE_ROWS]: "partial JSON update (binlog_row_value_options=PARTIAL_JSON); set binlog_row_value_options=''",
    [EventType.GTID_TAGGED]: 'tagged GTID (MySQL 8.3+ gtid tags); do not use GTID tags on replicated sources',
    [EventType.ANONYMOUS_GTID]: 'anonymous GTID (gtid_mode is not ON); set gtid_mode=ON and enforce_gtid_consistency=ON',
    [EventType.INCIDENT]: 'incident event: the source says changes may be missing from its binlog; take a new snapshot',
    [EventType.XA_PREPARE]: 'XA PREPARE; avoid XA transactions on replicated sources',
    [EventType.MARIADB_QUERY_COMPRESSED]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_WRITE_ROWS_COMPRESSED]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_UPDATE_ROWS_COMPRESSED]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_DELETE_ROWS_COMPRESSED]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_WRITE_ROWS_COMPRESSED_V1]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_UPDATE_ROWS_COMPRESSED_V1]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_DELETE_ROWS_COMPRESSED_V1]: 'compressed event (log_bin_compress=ON); set log_bin_compress=OFF',
    [EventType.MARIADB_START_ENCRYPTION]: 'encrypted binlog event',
  };
  const LOG_EVENT_IGNORABLE_F = 0x80;
  if (fix[header.type] === undefined && (header.flags & LOG_EVENT_IGNORABLE_F) !== 0) return;
  throw new TandemError(
    ErrorCodes.MYSQL_PRECONDITION,
    `binlog event at ${at} is a ${fix[header.type] ?? `type ${header.type} event the reader does not know`}; Tandem refuses it rather than lose rows`,
  );
}

export function classifyEnd(error: BinlogServerError | Error | undefined): TandemError {
  if (error instanceof TandemError) return error;
  if (error && 'errno' in error && typeof error.errno === 'number' && 'sqlState' in error) {
    const e = error as BinlogServerError;
    if (e.errno === 1236) {
      return new TandemError(
        ErrorCodes.MYSQL_POSITION_LOST,
        `the server cannot stream from the stored position: ${e.message} (error 1236). If the binlogs holding it were purged, the changes since are lost to this reader: take a new snapshot of the node's tables and reset its offset`,
      );
    }
    if (e.errno === 1227 || e.errno === 1045 || e.errno === 1044) {
      return new TandemError(ErrorCodes.MYSQL_PRECONDITION, `the server refused the binlog dump: ${e.message}; GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the reader's user`);
    }
    return new TandemError(ErrorCodes.MYSQL_CONNECTION, `the server ended the binlog stream: ${e.message} (error ${e.errno})`, { canRetry: true });
  }
  return new TandemError(ErrorCodes.MYSQL_CONNECTION, `the binlog connection failed: ${error?.message ?? 'closed'}`, { cause: error, canRetry: true });
}
