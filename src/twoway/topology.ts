import { linkRoutes, parseNodeTable, tableKey, type RoutedLink, type RoutedNode, type TableName } from '../applier/link-routes.js';

interface TopologyLink extends RoutedLink {
  mode: 'one-way' | 'two-way';
}

interface TopologyNode extends RoutedNode {
  rank?: number | undefined;
}

export interface Topology {
  nodes: readonly TopologyNode[];
  links: readonly TopologyLink[];
}

/** Problems with two-way links and node ranks, for the config schema (path + message naming the fix). */
export function twoWayIssues(config: Topology): Array<{ path: PropertyKey[]; message: string }> {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const ranks = new Map<number, string>();
  config.nodes.forEach((node, i) => {
    if (node.rank === undefined) return;
    const holder = ranks.get(node.rank);
    if (holder) issues.push({ path: ['nodes', i, 'rank'], message: `rank ${node.rank} is also node ${holder}'s; ranks break ties between nodes and must be unique` });
    ranks.set(node.rank, node.name);
  });
  config.links.forEach((link, i) => {
    if (link.mode !== 'two-way') return;
    const reverse = config.links.find((l) => l.from === link.to && l.to === link.from);
    if (!reverse) {
      issues.push({ path: ['links', i, 'mode'], message: `link ${link.from}->${link.to} is two-way, but there is no link ${link.to}->${link.from}; add it (with mode: two-way), or make this one one-way` });
    } else if (reverse.mode !== 'two-way') {
      issues.push({ path: ['links', i, 'mode'], message: `link ${link.from}->${link.to} is two-way, but ${link.to}->${link.from} is one-way; give both directions mode: two-way` });
    }
    for (const end of [link.from, link.to]) {
      const node = config.nodes.find((n) => n.name === end);
      if (node && node.rank === undefined) {
        issues.push({ path: ['links', i, 'mode'], message: `node ${end} is in the two-way link ${link.from}->${link.to} but has no rank; give it one (nodes[].rank, a unique number; the higher rank wins ties)` });
      }
    }
  });
  return issues;
}

/**
 * Whether a node's reader publishes a transaction an applier wrote there, whose changes were first made
 * on node `origin`: only if some node this one feeds would not get them otherwise (a chain A → B → C
 * relays A's changes at B; a full mesh relays nothing). Never back to the origin.
 */
export function relaysOrigin(config: Topology, node: string, origin: string): boolean {
  return config.links.some((l) => l.from === node && l.to !== origin && !hasLink(config, origin, l.to));
}

/**
 * Whether the applier of `link` skips a change first made on `origin`: it never returns a change to its
 * origin, and leaves to the direct link a change that also reaches the target straight from its origin.
 */
export function skipsOrigin(config: Topology, link: { from: string; to: string }, origin: string): boolean {
  if (origin === link.to) return true;
  return origin !== link.from && hasLink(config, origin, link.to);
}

function hasLink(config: Topology, from: string, to: string): boolean {
  return config.links.some((l) => l.from === from && l.to === to);
}

/**
 * The tables of `node` whose rows carry versions (a shadow table and triggers): the tables it sends on a
 * two-way link and the tables two-way links write into it.
 */
export function versionedTables(config: Topology, node: string): TableName[] {
  const out = new Map<string, TableName>();
  const self = config.nodes.find((n) => n.name === node);
  if (!self) return [];
  for (const link of config.links) {
    if (link.mode !== 'two-way') continue;
    if (link.from === node) for (const t of self.tables) out.set(tableKey(parseNodeTable(self, t)), parseNodeTable(self, t));
    if (link.to === node) for (const route of linkRoutes(config.nodes, link)) out.set(tableKey(route.target), route.target);
  }
  return [...out.values()];
}

/** The rank of a node (two-way links require one; 0 for nodes without). */
export function rankOf(config: Topology, node: string): number {
  return config.nodes.find((n) => n.name === node)?.rank ?? 0;
}
