import { parseNodeTable, type TableName } from '../applier/link-routes.js';
import { MysqlTargetWriter } from '../applier/mysql-target-writer.js';
import type { NodeConfig, TandemConfig } from '../config/schema.js';
import { defaultDatabase } from '../mysql/connection.js';
import type { TwoWayReading } from '../reader/two-way-filter.js';
import { installVersioning } from './install-versioning.js';
import { rankOf, relaysOrigin, versionedTables } from './topology.js';

/** The links' side of a node's reader: which tables are versioned, which progress tables mark applied transactions. */
export interface ReaderLinks {
  versioned: TableName[];
  rank: number;
  /** Links into the node (their appliers' transactions are left out or relayed). */
  incoming: Array<{ from: string; progressSchema: string | undefined }>;
  relays: (origin: string) => boolean;
}

/** undefined: no link touches the node (its reader publishes everything as its own). */
export function readerLinks(config: TandemConfig, node: NodeConfig): ReaderLinks | undefined {
  const incoming = config.links.filter((l) => l.to === node.name).map((l) => ({ from: l.from, progressSchema: l.progressSchema }));
  const versioned = versionedTables(config, node.name);
  if (incoming.length === 0 && versioned.length === 0) return undefined;
  return { versioned, rank: rankOf(config, node.name), incoming, relays: (origin) => relaysOrigin(config, node.name, origin) };
}

/**
 * Before a reader starts: installs the shadow tables and version triggers of the node's two-way tables
 * and, on MySQL, makes sure the progress tables of links into the node exist (the reader watches them).
 */
export async function prepareReading(node: NodeConfig, links: ReaderLinks): Promise<TwoWayReading> {
  const shadows = links.versioned.length > 0 ? await installVersioning(node, links.versioned, links.rank) : [];
  const progressTables: TableName[] = [];
  if (node.engine === 'mysql') {
    for (const link of links.incoming) {
      const schema = link.progressSchema ?? defaultDatabase(node.connection);
      if (progressTables.some((t) => t.schema === schema)) continue;
      const writer = new MysqlTargetWriter({ connection: node.connection, progressSchema: schema });
      await writer.connect();
      try {
        await writer.ensureProgressTable();
      } finally {
        await writer.close();
      }
      progressTables.push({ schema, table: 'tandem_progress' });
    }
  }
  return { shadows: shadows.map((s) => ({ data: s.data, shadow: s.shadow, keyColumns: s.keyColumns })), progressTables, relays: links.relays };
}

/** The configured tables of a node, parsed. */
export function nodeTables(node: NodeConfig): TableName[] {
  return node.tables.map((t) => parseNodeTable(node, t));
}
