import { Admin } from '@platformatic/kafka';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Real client round trips, used to decide whether a service is up. Each returns false instead of throwing
 * so callers can poll; connection timeouts are short so a paused or wedged server does not stall a status call.
 */

export type PostgresTarget = { url: string } | { socketDir: string; port: number; user: string; database: string };

export async function postgresAnswers(target: PostgresTarget, timeoutMs = 3000): Promise<boolean> {
  const config =
    'url' in target
      ? { connectionString: target.url }
      : { host: target.socketDir, port: target.port, user: target.user, database: target.database };
  const client = new pg.Client({ ...config, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type MysqlTarget = { url: string } | { socketPath: string; user: string; password: string };

export async function mysqlAnswers(target: MysqlTarget, timeoutMs = 3000): Promise<boolean> {
  let connection: mysql.Connection | undefined;
  try {
    connection =
      'url' in target
        ? await mysql.createConnection({ uri: target.url, connectTimeout: timeoutMs })
        : await mysql.createConnection({ ...target, connectTimeout: timeoutMs });
    connection.on('error', () => undefined);
    await connection.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

/** A metadata round trip that lists at least one registered broker. */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  const admin = new Admin({
    clientId: 'tandem-stack-probe',
    bootstrapBrokers: brokers,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retries: 0,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
