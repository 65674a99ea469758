/**
 * One error base for the whole project. Every error Tandem raises on purpose carries a stable `code`
 * (callers branch on codes, never on message text), a `canRetry` flag (true: a transient condition the
 * caller may retry with backoff; false: retrying cannot help, a person must act), and a message that
 * names the problem and the fix.
 */
export class TandemError extends Error {
  readonly code: string;
  readonly canRetry: boolean;

  constructor(code: string, message: string, options: { canRetry?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TandemError';
    this.code = code;
    this.canRetry = options.canRetry ?? false;
  }
}

/** Stable error codes. Add new ones here; never reuse or rename one. */
export const ErrorCodes = {
  CONFIG_INVALID: 'TANDEM_CONFIG_INVALID',
  CONFIG_ENV_MISSING: 'TANDEM_CONFIG_ENV_MISSING',
  STACK_TOOL_MISSING: 'TANDEM_STACK_TOOL_MISSING',
  STACK_START_FAILED: 'TANDEM_STACK_START_FAILED',
  STACK_NOT_RUNNING: 'TANDEM_STACK_NOT_RUNNING',
  PG_PRECONDITION: 'TANDEM_PG_PRECONDITION',
  PG_PROTOCOL: 'TANDEM_PG_PROTOCOL',
  PG_CONNECTION: 'TANDEM_PG_CONNECTION',
  MYSQL_PRECONDITION: 'TANDEM_MYSQL_PRECONDITION',
  MYSQL_PROTOCOL: 'TANDEM_MYSQL_PROTOCOL',
  MYSQL_CONNECTION: 'TANDEM_MYSQL_CONNECTION',
  /** The stored binlog position is no longer on the server (binlogs purged); a new snapshot is needed. */
  MYSQL_POSITION_LOST: 'TANDEM_MYSQL_POSITION_LOST',
  /** A TABLE_MAP event does not match the table definition the reader holds for that binlog point. */
  MYSQL_TABLE_MISMATCH: 'TANDEM_MYSQL_TABLE_MISMATCH',
  VALUE_UNSUPPORTED: 'TANDEM_VALUE_UNSUPPORTED',
  AVRO_SCHEMA: 'TANDEM_AVRO_SCHEMA',
  AVRO_DECODE: 'TANDEM_AVRO_DECODE',
  KAFKA: 'TANDEM_KAFKA',
  OFFSETS_CORRUPT: 'TANDEM_OFFSETS_CORRUPT',
  /** A link's target table, column or key is missing, or its type cannot hold the source column's values. */
  APPLY_TARGET_MISMATCH: 'TANDEM_APPLY_TARGET_MISMATCH',
  /** A value the target column cannot hold exactly (PostgreSQL infinity into DATETIME, an out-of-range number). */
  APPLY_VALUE: 'TANDEM_APPLY_VALUE',
  /** The target refused a change (constraint, type) and the link's onError is stop. */
  APPLY_REJECTED: 'TANDEM_APPLY_REJECTED',
  /** The applier's stored progress cannot be used (records it needs were deleted from Kafka, or it is corrupt). */
  APPLY_PROGRESS: 'TANDEM_APPLY_PROGRESS',
  /** The target database is unreachable or broke the session (retryable). */
  TARGET_CONNECTION: 'TANDEM_TARGET_CONNECTION',
  /** verify: a compared table, its key or a key column is missing on one side. */
  VERIFY_TABLE: 'TANDEM_VERIFY_TABLE',
  /** verify: the command line names no link or nodes, or nodes the config does not have. */
  VERIFY_USAGE: 'TANDEM_VERIFY_USAGE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export function isTandemError(e: unknown, code?: ErrorCode): e is TandemError {
  return e instanceof TandemError && (code === undefined || e.code === code);
}
