import { describe, expect, it } from 'vitest';
import { rankOf, relaysOrigin, skipsOrigin, twoWayIssues, versionedTables, type Topology } from '../../../src/twoway/topology.js';

type Node = Topology['nodes'][number];
type Link = Topology['links'][number];

const pg = (name: string, tables: string[], rank?: number): Node => ({ name, engine: 'postgres', connection: { url: `postgres://u@h:5432/${name}` }, tables, rank });
const my = (name: string, tables: string[], rank?: number): Node => ({ name, engine: 'mysql', connection: { url: `mysql://u@h:3306/${name}db` }, tables, rank });
const link = (from: string, to: string, mode: Link['mode'] = 'two-way', extra: Partial<Link> = {}): Link => ({ from, to, mode, ordering: 'transaction', ...extra });

/** Links (one-way: mode does not matter to routing) between every ordered pair of the given nodes. */
const mesh = (names: string[], mode: Link['mode'] = 'two-way'): Link[] => names.flatMap((f) => names.filter((t) => t !== f).map((t) => link(f, t, mode)));

describe('twoWayIssues', () => {
  const a = pg('a', ['public.t'], 1);
  const b = my('b', ['t'], 2);

  it('finds nothing wrong with a two-way pair of ranked nodes', () => {
    expect(twoWayIssues({ nodes: [a, b], links: [link('a', 'b'), link('b', 'a')] })).toEqual([]);
  });

  it('finds nothing wrong with one-way links between nodes without ranks', () => {
    expect(twoWayIssues({ nodes: [pg('a', ['t']), pg('b', ['t'])], links: [link('a', 'b', 'one-way'), link('b', 'a', 'one-way')] })).toEqual([]);
  });

  it('finds a two-way link without a reverse link', () => {
    const issues = twoWayIssues({ nodes: [a, b], links: [link('a', 'b')] });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['links', 0, 'mode']);
    expect(issues[0]!.message).toMatch(/link a->b is two-way, but there is no link b->a; add it \(with mode: two-way\), or make this one one-way/);
  });

  it('finds a two-way link whose reverse is one-way', () => {
    const issues = twoWayIssues({ nodes: [a, b], links: [link('b', 'a', 'one-way'), link('a', 'b')] });
    expect(issues).toEqual([{ path: ['links', 1, 'mode'], message: expect.stringMatching(/link a->b is two-way, but b->a is one-way; give both directions mode: two-way/) }]);
  });

  it('finds each node of a two-way link without a rank, on every link it is in', () => {
    const issues = twoWayIssues({ nodes: [a, my('b', ['t'])], links: [link('a', 'b'), link('b', 'a')] });
    expect(issues.map((i) => i.path)).toEqual([
      ['links', 0, 'mode'],
      ['links', 1, 'mode'],
    ]);
    for (const i of issues) expect(i.message).toMatch(/node b is in the two-way link .* but has no rank; give it one \(nodes\[\]\.rank, a unique number; the higher rank wins ties\)/);
    expect(issues.some((i) => i.message.includes('node a'))).toBe(false);
  });

  it('does not ask for ranks on one-way links', () => {
    expect(twoWayIssues({ nodes: [a, my('b', ['t']), pg('c', ['t'])], links: [link('a', 'b'), link('b', 'a'), link('a', 'c', 'one-way')] }).map((i) => i.message)).toEqual([
      expect.stringContaining('node b'),
      expect.stringContaining('node b'),
    ]);
  });

  it('finds duplicate ranks, at the later node, naming the earlier one', () => {
    const issues = twoWayIssues({ nodes: [a, my('b', ['t'], 1), pg('c', ['t'], 1)], links: [] });
    expect(issues).toEqual([
      { path: ['nodes', 1, 'rank'], message: "rank 1 is also node a's; ranks break ties between nodes and must be unique" },
      { path: ['nodes', 2, 'rank'], message: expect.stringMatching(/^rank 1 is also node /) },
    ]);
  });
});

describe('relaysOrigin', () => {
  it('a full mesh of three relays nothing', () => {
    const config: Topology = { nodes: [pg('a', ['t'], 1), pg('b', ['t'], 2), pg('c', ['t'], 3)], links: mesh(['a', 'b', 'c']) };
    for (const node of ['a', 'b', 'c']) for (const origin of ['a', 'b', 'c']) expect(relaysOrigin(config, node, origin)).toBe(false);
  });

  it('a chain a -> b -> c relays a\'s changes at b, nothing at c', () => {
    const config: Topology = { nodes: [pg('a', ['t']), pg('b', ['t']), pg('c', ['t'])], links: [link('a', 'b', 'one-way'), link('b', 'c', 'one-way')] };
    expect(relaysOrigin(config, 'b', 'a')).toBe(true);
    expect(relaysOrigin(config, 'c', 'a')).toBe(false);
    expect(relaysOrigin(config, 'c', 'b')).toBe(false);
  });

  it('a two-way chain a <-> b <-> c relays through b both ways, never back to the origin', () => {
    const config: Topology = { nodes: [pg('a', ['t'], 1), pg('b', ['t'], 2), pg('c', ['t'], 3)], links: [link('a', 'b'), link('b', 'a'), link('b', 'c'), link('c', 'b')] };
    expect(relaysOrigin(config, 'b', 'a')).toBe(true); // to c
    expect(relaysOrigin(config, 'b', 'c')).toBe(true); // to a
    expect(relaysOrigin(config, 'a', 'b')).toBe(false); // a's only link goes back to b
    expect(relaysOrigin(config, 'c', 'b')).toBe(false);
    expect(relaysOrigin(config, 'a', 'c')).toBe(false); // c's change came via b; a only feeds b
  });

  it('a two-node pair never sends a change back to its origin', () => {
    const config: Topology = { nodes: [pg('a', ['t'], 1), pg('b', ['t'], 2)], links: mesh(['a', 'b']) };
    expect(relaysOrigin(config, 'a', 'b')).toBe(false);
    expect(relaysOrigin(config, 'b', 'a')).toBe(false);
  });
});

describe('skipsOrigin', () => {
  const chain: Topology = { nodes: [pg('a', ['t']), pg('b', ['t']), pg('c', ['t'])], links: [link('a', 'b', 'one-way'), link('b', 'c', 'one-way')] };
  const full: Topology = { nodes: [pg('a', ['t'], 1), pg('b', ['t'], 2), pg('c', ['t'], 3)], links: mesh(['a', 'b', 'c']) };

  it('skips a change made on the link\'s target (never back to its origin)', () => {
    expect(skipsOrigin(full, { from: 'b', to: 'a' }, 'a')).toBe(true);
    expect(skipsOrigin(chain, { from: 'b', to: 'c' }, 'c')).toBe(true);
  });

  it('skips a change whose origin reaches the target through a direct link', () => {
    expect(skipsOrigin(full, { from: 'b', to: 'c' }, 'a')).toBe(true);
  });

  it('applies the source\'s own changes', () => {
    expect(skipsOrigin(full, { from: 'b', to: 'c' }, 'b')).toBe(false);
    expect(skipsOrigin(chain, { from: 'a', to: 'b' }, 'a')).toBe(false);
  });

  it('applies changes relayed along a chain', () => {
    expect(skipsOrigin(chain, { from: 'b', to: 'c' }, 'a')).toBe(false);
  });
});

describe('versionedTables', () => {
  const shop = pg('shop', ['public.orders', 'sales.items'], 1);
  const inv = my('inv', ['stock', 'other.t'], 2);

  it('holds the tables a node sends on, and receives on, two-way links', () => {
    const config: Topology = { nodes: [shop, inv], links: [link('shop', 'inv'), link('inv', 'shop')] };
    expect(versionedTables(config, 'shop')).toEqual(
      expect.arrayContaining([
        { schema: 'public', table: 'orders' },
        { schema: 'sales', table: 'items' },
        // MySQL -> PostgreSQL keeps the database name as the schema by default.
        { schema: 'invdb', table: 'stock' },
        { schema: 'other', table: 't' },
      ]),
    );
    expect(versionedTables(config, 'shop')).toHaveLength(4);
    expect(versionedTables(config, 'inv')).toEqual(
      expect.arrayContaining([
        { schema: 'invdb', table: 'stock' },
        { schema: 'other', table: 't' },
        { schema: 'invdb', table: 'orders' },
        { schema: 'invdb', table: 'items' },
      ]),
    );
    expect(versionedTables(config, 'inv')).toHaveLength(4);
  });

  it('follows the link\'s table mapping and lists a table once', () => {
    const config: Topology = {
      nodes: [pg('a', ['public.t'], 1), pg('b', ['public.t'], 2)],
      links: [link('a', 'b', 'two-way', { tables: { 'public.t': 'public.t' } }), link('b', 'a')],
    };
    expect(versionedTables(config, 'a')).toEqual([{ schema: 'public', table: 't' }]);
    const mapped: Topology = {
      nodes: [shop, inv],
      links: [link('shop', 'inv', 'two-way', { tables: { 'public.orders': 'stock' } }), link('inv', 'shop', 'two-way', { tables: { stock: 'public.orders' } })],
    };
    expect(versionedTables(mapped, 'inv')).toEqual(
      expect.arrayContaining([
        { schema: 'invdb', table: 'stock' },
        { schema: 'other', table: 't' },
        { schema: 'invdb', table: 'items' },
      ]),
    );
    expect(versionedTables(mapped, 'inv')).toHaveLength(3);
  });

  it('holds nothing for one-way links, or for an unknown node', () => {
    const config: Topology = { nodes: [shop, inv], links: [link('shop', 'inv', 'one-way'), link('inv', 'shop', 'one-way')] };
    expect(versionedTables(config, 'shop')).toEqual([]);
    expect(versionedTables(config, 'inv')).toEqual([]);
    expect(versionedTables({ nodes: [shop, inv], links: [link('shop', 'inv'), link('inv', 'shop')] }, 'nope')).toEqual([]);
  });

  it('holds only the two-way side\'s tables when a node also has one-way links', () => {
    const dr = pg('dr', ['public.archive']);
    const config: Topology = { nodes: [shop, inv, dr], links: [link('shop', 'inv'), link('inv', 'shop'), link('dr', 'shop', 'one-way')] };
    expect(versionedTables(config, 'dr')).toEqual([]);
    expect(versionedTables(config, 'shop')).not.toContainEqual({ schema: 'public', table: 'archive' });
  });
});

describe('rankOf', () => {
  it('is the node\'s rank, 0 without one or for an unknown node', () => {
    const config: Topology = { nodes: [pg('a', ['t'], 7), pg('b', ['t'])], links: [] };
    expect(rankOf(config, 'a')).toBe(7);
    expect(rankOf(config, 'b')).toBe(0);
    expect(rankOf(config, 'zz')).toBe(0);
  });
});
