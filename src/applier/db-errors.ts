/**
 * Which database errors are the database or the network failing (retry with backoff, resume from the
 * stored progress) and which are the target refusing a change (find the event, stop or dead-letter it).
 */

const NODE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  severity?: unknown;
}

function isSqlState(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** PostgreSQL: SQLSTATE classes 08 (connection), 53 (resources), 57 (shutdown, cancel), 58 (system), 40 (deadlock, serialization), 55P03 (lock timeout). */
export function pgIsTransient(error: unknown): boolean {
  const e = error as PgLikeError | null;
  if (!e || typeof e !== 'object') return false;
  if (isSqlState(e.code)) return ['08', '53', '57', '58', '40'].includes(e.code.slice(0, 2)) || e.code === '55P03';
  if (typeof e.code === 'string' && NODE_NETWORK_CODES.has(e.code)) return true;
  const message = String(e.message ?? '');
  return /Connection terminated|connection is closed|Client has encountered a connection error|not queryable|Client was closed|timeout exceeded when trying to connect/i.test(message);
}

export function pgIsDatabaseError(error: unknown): boolean {
  const e = error as PgLikeError | null;
  return !!e && typeof e === 'object' && isSqlState(e.code) && typeof e.severity === 'string';
}

export function pgDescribeError(error: unknown): string {
  const e = error as PgLikeError | null;
  if (!e || typeof e !== 'object') return String(error);
  const detail = typeof e.detail === 'string' && e.detail ? ` (${e.detail})` : '';
  return isSqlState(e.code) ? `PostgreSQL ${e.code}: ${String(e.message)}${detail}` : String(e.message ?? error);
}

interface MysqlLikeError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
  fatal?: unknown;
}

/** Deadlock, lock wait timeout, server shutdown or gone, connection killed, too many connections. */
const MYSQL_TRANSIENT_ERRNOS = new Set([1213, 1205, 1053, 1040, 1927, 2002, 2003, 2006, 2013, 2055, 4031, 1317]);

export function mysqlIsTransient(error: unknown): boolean {
  const e = error as MysqlLikeError | null;
  if (!e || typeof e !== 'object') return false;
  if (e.fatal === true) return true;
  if (typeof e.errno === 'number' && MYSQL_TRANSIENT_ERRNOS.has(e.errno)) return true;
  if (typeof e.code === 'string' && (NODE_NETWORK_CODES.has(e.code) || e.code === 'PROTOCOL_CONNECTION_LOST' || e.code === 'PROTOCOL_SEQUENCE_TIMEOUT')) return true;
  return /Can't add new command when connection is in closed state|connection is in closed state/i.test(String(e.message ?? ''));
}

export function mysqlIsDatabaseError(error: unknown): boolean {
  const e = error as MysqlLikeError | null;
  return !!e && typeof e === 'object' && typeof e.errno === 'number' && typeof e.sqlState === 'string';
}

export function mysqlDescribeError(error: unknown): string {
  const e = error as MysqlLikeError | null;
  if (!e || typeof e !== 'object') return String(error);
  if (typeof e.errno === 'number') return `MySQL ${e.errno} (${String(e.sqlState ?? '')} ${String(e.code ?? '')}): ${String(e.sqlMessage ?? e.message)}`;
  return String(e.message ?? error);
}

/** PostgreSQL: deadlock, serialization failure, lock timeout — another transaction won the rows; retry at once. */
export function pgIsLockConflict(error: unknown): boolean {
  const code = (error as PgLikeError | null)?.code;
  return code === '40P01' || code === '40001' || code === '55P03';
}

/** MySQL: deadlock (1213) or lock wait timeout (1205). */
export function mysqlIsLockConflict(error: unknown): boolean {
  const errno = (error as MysqlLikeError | null)?.errno;
  return errno === 1213 || errno === 1205;
}
