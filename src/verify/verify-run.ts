import { linkRoutes, type TableRoute } from '../applier/link-routes.js';
import type { NodeConfig, TandemConfig } from '../config/schema.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { compareTable, type TableResult } from './compare-table.js';
import { planTable } from './table-plan.js';
import { openSide, type TableSide } from './table-reader.js';

export interface VerifyTarget {
  /** A configured link "from->to": its tables and column renames. */
  link?: string;
  /** Or two nodes compared table by table under the same names. */
  from?: string;
  to?: string;
}

export interface TableVerdict extends TableResult {
  route: TableRoute;
  names: string[];
  skipped: string[];
  seconds: number;
}

export interface VerifyRunOptions {
  chunkRows?: number;
  maxDifferences?: number;
  /** Called as each table finishes (for streaming output). */
  onTable?: (verdict: TableVerdict) => void;
  /** Called once the nodes are known, before any table is read. */
  onNodes?: (from: string, to: string) => void;
}

export interface VerifyReport {
  from: NodeConfig;
  to: NodeConfig;
  tables: TableVerdict[];
}

function node(config: TandemConfig, name: string): NodeConfig {
  const found = config.nodes.find((n) => n.name === name);
  if (!found) throw new TandemError(ErrorCodes.VERIFY_USAGE, `node ${name} is not in the config; it has ${config.nodes.map((n) => n.name).join(', ')}`);
  return found;
}

/** The nodes and table routes to compare, from a link or a pair of nodes. */
export function verifyRoutes(config: TandemConfig, target: VerifyTarget): { from: NodeConfig; to: NodeConfig; routes: TableRoute[] } {
  if (target.link !== undefined) {
    const [fromName, toName, ...rest] = target.link.split('->').map((s) => s.trim());
    if (!fromName || !toName || rest.length > 0) throw new TandemError(ErrorCodes.VERIFY_USAGE, `--link ${target.link}: write it as <from>-><to>, e.g. --link pg->my`);
    const link = config.links.find((l) => l.from === fromName && l.to === toName);
    if (!link) throw new TandemError(ErrorCodes.VERIFY_USAGE, `the config has no link ${fromName} -> ${toName}; use --from/--to to compare two nodes without one`);
    return { from: node(config, fromName), to: node(config, toName), routes: linkRoutes(config.nodes, link) };
  }
  if (target.from === undefined || target.to === undefined) {
    throw new TandemError(ErrorCodes.VERIFY_USAGE, 'say what to compare: --link <from>-><to>, or --from <node> --to <node>');
  }
  const from = node(config, target.from);
  const to = node(config, target.to);
  return { from, to, routes: linkRoutes(config.nodes, { from: from.name, to: to.name, ordering: 'transaction' }) };
}

/** Compares every routed table of the two nodes, one table at a time, both sides read concurrently. */
export async function runVerify(config: TandemConfig, target: VerifyTarget, options: VerifyRunOptions = {}): Promise<VerifyReport> {
  const { from, to, routes } = verifyRoutes(config, target);
  options.onNodes?.(from.name, to.name);
  const sides: TableSide[] = [];
  try {
    const a = await openSide(from.engine, from.connection);
    sides.push(a);
    const b = await openSide(to.engine, to.connection);
    sides.push(b);
    const tables: TableVerdict[] = [];
    for (const route of routes) {
      const started = performance.now();
      const plan = planTable(route, await a.describe(route.source), await b.describe(route.target));
      const compareOptions = { chunkRows: options.chunkRows ?? 20_000, ...(options.maxDifferences === undefined ? {} : { maxDifferences: options.maxDifferences }) };
      const result = await compareTable(a, b, plan, compareOptions);
      const verdict: TableVerdict = { ...result, route, names: plan.names, skipped: plan.skipped, seconds: (performance.now() - started) / 1000 };
      options.onTable?.(verdict);
      tables.push(verdict);
    }
    return { from, to, tables };
  } finally {
    await Promise.all(sides.map((s) => s.close().catch(() => undefined)));
  }
}

