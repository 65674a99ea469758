import type { Connection, RowDataPacket } from 'mysql2/promise';
import { ErrorCodes, TandemError } from '../errors.js';
import { MariadbGtidPosition, MysqlGtidSet } from './gtid.js';
import { MysqlPosition, type MysqlFlavor } from './mysql-position.js';

export const POSITION_LOST_ADVICE =
  'the changes between that position and the oldest binlog the server still has are lost to this reader. ' +
  'Take a new snapshot of the node\'s tables into every target, then delete the reader\'s stored offset ' +
  '(a tombstone for key "reader.<node>" in the <prefix>._offsets topic) so that it starts from the server\'s current position; ' +
  'to prevent it, keep binlogs longer (binlog_expire_logs_seconds / expire_logs_days) than the reader may be down';

async function masterStatus(sql: Connection): Promise<{ file: string; offset: number }> {
  let rows: RowDataPacket[];
  try {
    [rows] = await sql.query<RowDataPacket[]>('SHOW MASTER STATUS');
  } catch {
    [rows] = await sql.query<RowDataPacket[]>('SHOW BINARY LOG STATUS');
  }
  const row = rows[0];
  return row ? { file: String(row.File), offset: Number(row.Position) } : { file: '', offset: 4 };
}

/** Where the server's binlog is now: every transaction logged so far is before it. */
export async function currentPosition(sql: Connection, flavor: MysqlFlavor): Promise<MysqlPosition> {
  const status = await masterStatus(sql);
  if (flavor === 'mariadb') {
    const [rows] = await sql.query<RowDataPacket[]>('SELECT @@GLOBAL.gtid_binlog_pos AS g');
    return new MysqlPosition(MariadbGtidPosition.parse(String(rows[0]!.g ?? '')), status.file, status.offset);
  }
  const [rows] = await sql.query<RowDataPacket[]>('SELECT @@GLOBAL.gtid_executed AS g');
  return new MysqlPosition(MysqlGtidSet.parse(String(rows[0]!.g ?? '')), status.file, status.offset);
}

/**
 * Fails (TANDEM_MYSQL_POSITION_LOST, not retryable) when the server no longer has every transaction
 * after `position`: MariaDB — the GTID state at the start of the oldest binlog is ahead of the position
 * in some domain; MySQL — @@gtid_purged is not contained in the position's GTID set.
 */
export async function checkPositionAvailable(sql: Connection, position: MysqlPosition): Promise<void> {
  if (position.gtids instanceof MariadbGtidPosition) {
    const [logs] = await sql.query<RowDataPacket[]>('SHOW BINARY LOGS');
    const oldest = logs[0]?.Log_name as string | undefined;
    if (!oldest) return;
    const [rows] = await sql.query<RowDataPacket[]>('SELECT BINLOG_GTID_POS(?, 4) AS g', [oldest]);
    const atStart = MariadbGtidPosition.parse(String(rows[0]?.g ?? ''));
    for (const d of atStart.domains()) {
      if (!position.gtids.covers(d.domain, d.seq)) {
        throw new TandemError(
          ErrorCodes.MYSQL_POSITION_LOST,
          `the stored position ${position.toString()} is no longer on the server: its oldest binlog ${oldest} starts after GTID ${d.domain}-${d.server}-${d.seq} (binlogs were purged); ${POSITION_LOST_ADVICE}`,
        );
      }
    }
    return;
  }
  const [rows] = await sql.query<RowDataPacket[]>('SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ?) AS ok, @@GLOBAL.gtid_purged AS purged', [position.gtids.toString()]);
  if (Number(rows[0]?.ok) !== 1) {
    throw new TandemError(
      ErrorCodes.MYSQL_POSITION_LOST,
      `the stored position ${position.toString()} is no longer on the server: it purged GTIDs ${String(rows[0]?.purged)} that the reader has not read; ${POSITION_LOST_ADVICE}`,
    );
  }
}
