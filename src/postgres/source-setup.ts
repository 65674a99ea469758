import type { Client } from 'pg';
import { ErrorCodes, TandemError } from '../errors.js';
import { parseLsn, ZERO_LSN, type Lsn } from './pgoutput/lsn.js';
import { qualified, quoteIdent, type TableRef } from './table-refs.js';

export interface PgSourceSetupOptions {
  slot: string;
  publication: string;
  tables: TableRef[];
  warn?: (message: string) => void;
}

export interface PgSourceState {
  database: string;
  /** The slot's confirmed_flush_lsn: the server resends every transaction that commits after it. */
  slotConfirmedLsn: Lsn;
  slotCreated: boolean;
}

/**
 * Checks a PostgreSQL source's preconditions (each failure names the setting and its fix), then makes
 * sure the publication covers exactly the configured tables and the logical slot exists.
 */
export async function prepareSource(client: Client, options: PgSourceSetupOptions): Promise<PgSourceState> {
  await checkServerSettings(client, options.warn ?? (() => undefined));
  await checkRole(client);
  for (const table of options.tables) await checkTable(client, table);
  await ensurePublication(client, options.publication, options.tables);
  const slot = await ensureSlot(client, options.slot);
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
  return { database, ...slot };
}

async function setting(client: Client, name: string): Promise<string> {
  const result = await client.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [name]);
  return result.rows[0]?.setting ?? '';
}

async function checkServerSettings(client: Client, warn: (message: string) => void): Promise<void> {
  const walLevel = await setting(client, 'wal_level');
  if (walLevel !== 'logical') {
    throw new TandemError(
      ErrorCodes.PG_PRECONDITION,
      `PostgreSQL wal_level is "${walLevel}", but logical replication needs "logical"; run ALTER SYSTEM SET wal_level = logical (or set it in postgresql.conf) and restart PostgreSQL`,
    );
  }
  if ((await setting(client, 'track_commit_timestamp')) !== 'on') {
    warn('track_commit_timestamp is off: one-way replication works, but two-way links need it for last-writer-wins; set track_commit_timestamp = on and restart PostgreSQL');
  }
  const encoding = await setting(client, 'server_encoding');
  if (encoding !== 'UTF8') {
    throw new TandemError(ErrorCodes.PG_PRECONDITION, `the database encoding is ${encoding}; Tandem reads UTF8 databases only (create the database WITH ENCODING 'UTF8')`);
  }
}

async function checkRole(client: Client): Promise<void> {
  const result = await client.query<{ rolname: string; rolreplication: boolean; rolsuper: boolean }>(
    'SELECT rolname, rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user',
  );
  const role = result.rows[0];
  if (!role || (!role.rolreplication && !role.rolsuper)) {
    throw new TandemError(
      ErrorCodes.PG_PRECONDITION,
      `role ${role?.rolname ?? '(unknown)'} may not stream logical replication; run ALTER ROLE ${quoteIdent(role?.rolname ?? 'tandem')} WITH REPLICATION`,
    );
  }
}

async function checkTable(client: Client, table: TableRef): Promise<void> {
  const result = await client.query<{ relreplident: string; relkind: string; has_pk: boolean; can_select: boolean }>(
    `SELECT c.relreplident, c.relkind,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
            has_table_privilege(c.oid, 'SELECT') AS can_select
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.table],
  );
  const row = result.rows[0];
  const name = qualified(table);
  if (!row) throw new TandemError(ErrorCodes.PG_PRECONDITION, `table ${name} does not exist; create it or remove it from the node's tables`);
  if (row.relkind !== 'r' && row.relkind !== 'p') {
    throw new TandemError(ErrorCodes.PG_PRECONDITION, `${name} is not a table (relkind ${row.relkind}); only tables can be replicated`);
  }
  if (!row.can_select) throw new TandemError(ErrorCodes.PG_PRECONDITION, `the replication role may not read ${name}; run GRANT SELECT ON ${name} TO <role>`);
  if (row.relreplident === 'n') {
    throw new TandemError(ErrorCodes.PG_PRECONDITION, `${name} has REPLICA IDENTITY NOTHING, so its updates and deletes cannot be replicated; run ALTER TABLE ${name} REPLICA IDENTITY DEFAULT (with a primary key) or FULL`);
  }
  if (row.relreplident === 'd' && !row.has_pk) {
    throw new TandemError(
      ErrorCodes.PG_PRECONDITION,
      `${name} has no primary key and REPLICA IDENTITY DEFAULT, so its updates and deletes carry no row identity; add a primary key, or run ALTER TABLE ${name} REPLICA IDENTITY USING INDEX <unique index> (or FULL)`,
    );
  }
}

async function ensurePublication(client: Client, publication: string, tables: TableRef[]): Promise<void> {
  const tableList = tables.map(qualified).join(', ');
  const existing = await client.query<{ schemaname: string; tablename: string }>(
    'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1',
    [publication],
  );
  const exists = (await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [publication])).rowCount === 1;
  try {
    if (!exists) {
      await client.query(`CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${tableList} WITH (publish = 'insert, update, delete, truncate')`);
      return;
    }
    const want = new Set(tables.map((t) => `${t.schema}\u0000${t.table}`));
    const have = new Set(existing.rows.map((r) => `${r.schemaname}\u0000${r.tablename}`));
    const same = want.size === have.size && [...want].every((k) => have.has(k));
    if (!same) await client.query(`ALTER PUBLICATION ${quoteIdent(publication)} SET TABLE ${tableList}`);
  } catch (cause) {
    throw new TandemError(
      ErrorCodes.PG_PRECONDITION,
      `cannot create or alter publication ${publication}: ${(cause as Error).message}; the role needs CREATE on the database and ownership of the tables (or create the publication yourself: CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${tableList})`,
      { cause },
    );
  }
}

async function ensureSlot(client: Client, slot: string): Promise<{ slotConfirmedLsn: Lsn; slotCreated: boolean }> {
  const found = await client.query<{ plugin: string; confirmed_flush_lsn: string | null; database: string; current_db: string }>(
    'SELECT plugin, confirmed_flush_lsn::text, database, current_database() AS current_db FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  const row = found.rows[0];
  if (row) {
    if (row.plugin !== 'pgoutput' || row.database !== row.current_db) {
      throw new TandemError(
        ErrorCodes.PG_PRECONDITION,
        `replication slot ${slot} exists for plugin ${row.plugin} in database ${row.database}, not pgoutput in ${row.current_db}; drop it (SELECT pg_drop_replication_slot('${slot}')) or configure another slot name`,
      );
    }
    return { slotConfirmedLsn: row.confirmed_flush_lsn ? parseLsn(row.confirmed_flush_lsn) : ZERO_LSN, slotCreated: false };
  }
  try {
    const created = await client.query<{ lsn: string }>("SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')", [slot]);
    return { slotConfirmedLsn: parseLsn(created.rows[0]!.lsn), slotCreated: true };
  } catch (cause) {
    throw new TandemError(
      ErrorCodes.PG_PRECONDITION,
      `cannot create replication slot ${slot}: ${(cause as Error).message}; check max_replication_slots and that the role has REPLICATION`,
      { cause },
    );
  }
}
