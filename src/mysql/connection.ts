import type { ConnectionOptions } from 'mysql2';
import type { ConnectionConfig } from '../config/schema.js';

/**
 * mysql2 settings for a configured connection (URL or fields): values as strings where JS numbers
 * would round (the reader's own queries only read metadata), UTC, utf8mb4.
 */
export function mysqlConnectionOptions(connection: ConnectionConfig): ConnectionOptions {
  const base: ConnectionOptions =
    'url' in connection
      ? { uri: connection.url }
      : { host: connection.host, port: connection.port, user: connection.user, password: connection.password, database: connection.database };
  return { ...base, charset: 'utf8mb4', timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, connectTimeout: 15_000 };
}

/** The connection's default database: a table named without a database lives there. */
export function defaultDatabase(connection: ConnectionConfig): string {
  if ('url' in connection) return decodeURIComponent(new URL(connection.url).pathname.replace(/^\//, ''));
  return connection.database;
}
