import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TableName } from '../applier/link-routes.js';
import type { NodeConfig } from '../config/schema.js';
import { ErrorCodes, isTandemError, TandemError } from '../errors.js';
import { mysqlConnectionOptions } from '../mysql/connection.js';
import { pgClientConfig } from '../postgres/connection.js';
import { installMysqlVersioning, purgeMysqlTombstones } from './mysql-versioning.js';
import { installPgVersioning, purgePgTombstones } from './pg-versioning.js';
import type { ShadowInfo } from './shadow-info.js';

/*
 * Row versioning for a node's two-way tables, over a connection of its own: the shadow tables and the
 * triggers that stamp local writes (pg-versioning.ts, mysql-versioning.ts), and the purge of old
 * tombstones.
 */

/** The node's connection, open for `work`, closed after. */
async function withConnection<T>(node: Pick<NodeConfig, 'name' | 'engine' | 'connection'>, work: (c: { pg?: pg.Client; my?: mysql.Connection }) => Promise<T>): Promise<T> {
  if (node.engine === 'postgres') {
    const client = new pg.Client(pgClientConfig(node.connection, { application_name: 'tandem-versioning' }));
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw new TandemError(ErrorCodes.PG_CONNECTION, `cannot connect to node ${node.name} (PostgreSQL): ${String((error as Error).message ?? error)}`, { canRetry: true, cause: error });
    }
    try {
      return await work({ pg: client });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(mysqlConnectionOptions(node.connection));
  } catch (error) {
    if (isTandemError(error)) throw error;
    throw new TandemError(ErrorCodes.MYSQL_CONNECTION, `cannot connect to node ${node.name} (MySQL): ${String((error as Error).message ?? error)}`, { canRetry: true, cause: error });
  }
  conn.on('error', () => undefined);
  try {
    return await work({ my: conn });
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * Creates (or checks) the shadow table of each of `tables` on `node` and (re)installs the triggers that
 * stamp its local writes with the node's name and `rank`. Idempotent: run it at every start.
 */
export async function installVersioning(node: Pick<NodeConfig, 'name' | 'engine' | 'connection'>, tables: readonly TableName[], rank: number): Promise<ShadowInfo[]> {
  const self = { name: node.name, rank };
  return withConnection(node, async ({ pg: client, my }) => {
    const installed: ShadowInfo[] = [];
    for (const table of tables) installed.push(client ? await installPgVersioning(client, table, self) : await installMysqlVersioning(my!, table, self));
    return installed;
  });
}

export interface PurgeOptions {
  /** Rows deleted per statement (default 1000), so no statement holds many locks or writes a huge log event. */
  chunkRows?: number;
}

/**
 * Deletes the tombstones (shadow rows of deleted rows) stamped before `beforeMicros` (µs since the
 * epoch) from each of `shadows` on `node`, in bounded chunks; returns how many rows it deleted.
 */
export async function purgeTombstones(node: Pick<NodeConfig, 'name' | 'engine' | 'connection'>, shadows: readonly TableName[], beforeMicros: bigint, options: PurgeOptions = {}): Promise<number> {
  const chunk = options.chunkRows ?? 1000;
  return withConnection(node, async ({ pg: client, my }) => {
    let total = 0;
    for (const shadow of shadows) total += client ? await purgePgTombstones(client, shadow, beforeMicros, chunk) : await purgeMysqlTombstones(my!, shadow, beforeMicros, chunk);
    return total;
  });
}
