import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs on stderr (stdout stays free for command output). Row data is never logged above debug. */
export function createLogger(level: string = process.env.TANDEM_LOG_LEVEL ?? 'info', bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { app: 'tandem', ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
