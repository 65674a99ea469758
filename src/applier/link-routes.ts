import { isTandemError, ErrorCodes, TandemError } from '../errors.js';
import { defaultDatabase } from '../mysql/connection.js';
import { parseMysqlTableRef } from '../mysql/table-refs.js';
import { parseTableRef } from '../postgres/table-refs.js';
import type { ConnectionConfig } from '../config/schema.js';

/** A table on either engine: `schema` is the PostgreSQL schema or the MySQL database. */
export interface TableName {
  schema: string;
  table: string;
}

/** Where one source table's changes go, with the column renames and key the link configures. */
export interface TableRoute {
  source: TableName;
  target: TableName;
  /** Source column → target column, for renamed columns only; others keep their names. */
  columns: ReadonlyMap<string, string>;
  /** The configured unique key (target column names) for a target without a primary key. */
  key: string[] | undefined;
}

/** The parts of a node and a link the routing needs (structural, so config validation can call it). */
export interface RoutedNode {
  name: string;
  engine: 'postgres' | 'mysql';
  connection: ConnectionConfig;
  tables: string[];
}

export interface RoutedLink {
  from: string;
  to: string;
  ordering: 'transaction' | 'key';
  tables?: Record<string, string> | undefined;
  columns?: Record<string, Record<string, string>> | undefined;
  keys?: Record<string, string[]> | undefined;
}

export function tableKey(name: TableName): string {
  return JSON.stringify([name.schema, name.table]);
}

export function showTable(name: TableName): string {
  return `${name.schema}.${name.table}`;
}

/** A table name written in a node's own syntax ("schema.table", `db`.`t`, or a bare table). */
export function parseNodeTable(node: RoutedNode, text: string): TableName {
  if (node.engine === 'postgres') return parseTableRef(text, 'public');
  const ref = parseMysqlTableRef(text, defaultDatabase(node.connection));
  return { schema: ref.database, table: ref.table };
}

/** Where a source table goes when the link does not say: see docs/ARCHITECTURE.md, "Appliers". */
function defaultTarget(from: RoutedNode, to: RoutedNode, source: TableName): TableName {
  if (from.engine === 'postgres' && to.engine === 'mysql') {
    const database = defaultDatabase(to.connection);
    if (!database) {
      throw new TandemError(
        ErrorCodes.CONFIG_INVALID,
        `table ${showTable(source)} has no MySQL database to go to: node ${to.name}'s connection names none; add one to its connection or map the table under links[].tables`,
      );
    }
    return { schema: database, table: source.table };
  }
  return { ...source };
}

/** The routes of a link, one per table of the source node. Throws CONFIG_INVALID naming the key. */
export function linkRoutes(nodes: readonly RoutedNode[], link: RoutedLink): TableRoute[] {
  const from = nodes.find((n) => n.name === link.from);
  const to = nodes.find((n) => n.name === link.to);
  if (!from || !to) throw new TandemError(ErrorCodes.CONFIG_INVALID, `link ${link.from} -> ${link.to} names a node the config does not have`);
  const sources = from.tables.map((t) => parseNodeTable(from, t));
  const known = new Map(sources.map((s) => [tableKey(s), s]));
  const sourceFor = (text: string, where: string): TableName => {
    const name = parseNodeTable(from, text);
    if (!known.has(tableKey(name))) {
      throw new TandemError(
        ErrorCodes.CONFIG_INVALID,
        `${where} names source table "${text}", which node ${from.name} does not replicate (its tables: ${from.tables.join(', ')}); use one of those names`,
      );
    }
    return name;
  };
  const targets = new Map<string, TableName>();
  for (const [sourceText, targetText] of Object.entries(link.tables ?? {})) {
    targets.set(tableKey(sourceFor(sourceText, 'tables')), parseNodeTable(to, targetText));
  }
  const renames = new Map<string, Map<string, string>>();
  for (const [sourceText, columns] of Object.entries(link.columns ?? {})) {
    const map = new Map(Object.entries(columns));
    const seen = new Map<string, string>();
    for (const [s, t] of map) {
      const other = seen.get(t);
      if (other !== undefined) {
        throw new TandemError(ErrorCodes.CONFIG_INVALID, `columns."${sourceText}" maps both "${other}" and "${s}" to target column "${t}"; give each its own target column`);
      }
      seen.set(t, s);
    }
    renames.set(tableKey(sourceFor(sourceText, 'columns')), map);
  }
  const routes = sources.map((source): TableRoute => ({
    source,
    target: targets.get(tableKey(source)) ?? defaultTarget(from, to, source),
    columns: renames.get(tableKey(source)) ?? new Map(),
    key: undefined,
  }));
  const byTarget = new Map<string, TableRoute>();
  for (const route of routes) {
    const other = byTarget.get(tableKey(route.target));
    if (other) {
      throw new TandemError(
        ErrorCodes.CONFIG_INVALID,
        `source tables ${showTable(other.source)} and ${showTable(route.source)} both go to target table ${showTable(route.target)}; map one of them elsewhere under tables`,
      );
    }
    byTarget.set(tableKey(route.target), route);
  }
  for (const [targetText, key] of Object.entries(link.keys ?? {})) {
    const route = byTarget.get(tableKey(parseNodeTable(to, targetText)));
    if (!route) {
      throw new TandemError(
        ErrorCodes.CONFIG_INVALID,
        `keys names target table "${targetText}", which no source table of node ${from.name} goes to (targets: ${routes.map((r) => showTable(r.target)).join(', ')})`,
      );
    }
    if (new Set(key).size !== key.length) throw new TandemError(ErrorCodes.CONFIG_INVALID, `keys."${targetText}" lists a column twice`);
    route.key = [...key];
  }
  return routes;
}

/** Problems with the configured links, for the config schema (path + message naming value and fix). */
export function linkIssues(config: { nodes: readonly RoutedNode[]; links: readonly RoutedLink[]; kafka: { partitions: number } }): Array<{ path: PropertyKey[]; message: string }> {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const names = config.nodes.map((n) => n.name);
  const pairs = new Set<string>();
  config.links.forEach((link, i) => {
    let ok = true;
    for (const end of ['from', 'to'] as const) {
      if (!names.includes(link[end])) {
        ok = false;
        issues.push({ path: ['links', i, end], message: `node "${link[end]}" is not configured; use one of: ${names.join(', ')}` });
      }
    }
    if (link.from === link.to) {
      ok = false;
      issues.push({ path: ['links', i, 'to'], message: `a link goes from one node to another; "${link.to}" is also its from` });
    }
    const pair = `${link.from}->${link.to}`;
    if (pairs.has(pair)) issues.push({ path: ['links', i], message: `link ${pair} is configured twice; merge the two entries` });
    pairs.add(pair);
    if (link.ordering === 'transaction' && config.kafka.partitions !== 1) {
      issues.push({
        path: ['links', i, 'ordering'],
        message: `ordering: transaction needs one partition per changes topic, but kafka.partitions is ${config.kafka.partitions}; set kafka.partitions: 1, or ordering: key (order per row only)`,
      });
    }
    if (!ok) return;
    try {
      linkRoutes(config.nodes, link);
    } catch (error) {
      if (!isTandemError(error)) throw error;
      issues.push({ path: ['links', i], message: error.message });
    }
  });
  return issues;
}
