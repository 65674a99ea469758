import { describe, expect, it } from 'vitest';
import { parseConfigText, validateConfig } from '../../../src/config/load.js';
import { isTandemError, type TandemError } from '../../../src/errors.js';

/** Two nodes (ranks given per node, none when undefined) and the given links, as YAML. */
function yaml(ranks: [number | undefined, number | undefined], links: string, extraNode = ''): string {
  const rank = (r: number | undefined) => (r === undefined ? '' : `\n    rank: ${r}`);
  return `
kafka:
  brokers: ["127.0.0.1:19092"]
nodes:
  - name: shop
    engine: postgres
    connection:
      url: postgres://u@127.0.0.1:5432/shop
    tables: [public.orders]${rank(ranks[0])}
  - name: inventory
    engine: mysql
    connection:
      url: mysql://u@127.0.0.1:3306/inventory
    tables: [orders]${rank(ranks[1])}
${extraNode}links:
${links}
`;
}

const pair = `
  - from: shop
    to: inventory
    mode: two-way
  - from: inventory
    to: shop
    mode: two-way
`;

function failure(text: string): TandemError {
  try {
    parseConfigText(text, 'tandem.yaml', {});
  } catch (e) {
    if (isTandemError(e)) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('two-way config', () => {
  it('takes a two-way pair of ranked nodes', () => {
    const config = parseConfigText(yaml([1, 2], pair), 'tandem.yaml', {});
    expect(config.nodes.map((n) => n.rank)).toEqual([1, 2]);
    expect(config.links.map((l) => `${l.from}->${l.to} ${l.mode}`)).toEqual(['shop->inventory two-way', 'inventory->shop two-way']);
    expect(config.conflicts.tombstoneRetentionHours).toBe(168);
  });

  it('takes one-way links (the default mode) between nodes without ranks', () => {
    const config = parseConfigText(yaml([undefined, undefined], '  - from: shop\n    to: inventory\n  - from: inventory\n    to: shop\n'), 'tandem.yaml', {});
    expect(config.links.map((l) => l.mode)).toEqual(['one-way', 'one-way']);
  });

  it('takes a two-way pair next to a one-way link to an unranked node', () => {
    const dr = '  - name: dr\n    engine: postgres\n    connection:\n      url: postgres://u@127.0.0.1:5432/dr\n    tables: [public.orders]\n';
    const config = parseConfigText(yaml([1, 2], `${pair}  - from: shop\n    to: dr\n`, dr), 'tandem.yaml', {});
    expect(config.links.map((l) => l.mode)).toEqual(['two-way', 'two-way', 'one-way']);
  });

  it('rejects a two-way link without its reverse, naming the key and the fix', () => {
    const e = failure(yaml([1, 2], '  - from: shop\n    to: inventory\n    mode: two-way\n'));
    expect(e.code).toBe('TANDEM_CONFIG_INVALID');
    expect(e.message).toContain('links.0.mode: link shop->inventory is two-way, but there is no link inventory->shop; add it (with mode: two-way), or make this one one-way (got "two-way")');
  });

  it('rejects a two-way link whose reverse is one-way', () => {
    const e = failure(yaml([1, 2], '  - from: shop\n    to: inventory\n    mode: two-way\n  - from: inventory\n    to: shop\n'));
    expect(e.message).toContain('links.0.mode: link shop->inventory is two-way, but inventory->shop is one-way; give both directions mode: two-way');
    expect(e.message).not.toContain('links.1');
  });

  it('rejects a node of a two-way link without a rank, naming the node and how to rank it', () => {
    const e = failure(yaml([1, undefined], pair));
    expect(e.code).toBe('TANDEM_CONFIG_INVALID');
    expect(e.message).toContain('links.0.mode: node inventory is in the two-way link shop->inventory but has no rank; give it one (nodes[].rank, a unique number; the higher rank wins ties)');
    expect(e.message).toContain('links.1.mode: node inventory is in the two-way link inventory->shop but has no rank');
    expect(e.message).not.toContain('node shop is in');
  });

  it('rejects two nodes with the same rank, at the second node\'s rank', () => {
    const e = failure(yaml([3, 3], pair));
    expect(e.code).toBe('TANDEM_CONFIG_INVALID');
    expect(e.message).toContain("nodes.1.rank: rank 3 is also node shop's; ranks break ties between nodes and must be unique (got 3)");
  });

  it('rejects a bad rank or mode value by key', () => {
    expect(failure(yaml([0, 2], pair)).message).toContain('nodes.0.rank');
    expect(failure(yaml([1.5, 2], pair)).message).toContain('nodes.0.rank');
    expect(failure(yaml([1, 2], '  - from: shop\n    to: inventory\n    mode: both\n')).message).toMatch(/links\.0\.mode: .*"one-way".*"two-way"/);
  });

  it('reports every two-way problem at once', () => {
    const e = failure(yaml([5, 5], '  - from: shop\n    to: inventory\n    mode: two-way\n'));
    expect(e.message).toContain('nodes.1.rank');
    expect(e.message).toContain('links.0.mode');
  });

  it('validates the same from an object (validateConfig)', () => {
    const raw = {
      kafka: { brokers: ['127.0.0.1:19092'] },
      nodes: [
        { name: 'a', engine: 'postgres', connection: { url: 'postgres://u@h:5432/a' }, tables: ['public.t'], rank: 1 },
        { name: 'b', engine: 'postgres', connection: { url: 'postgres://u@h:5432/b' }, tables: ['public.t'], rank: 2 },
      ],
      links: [
        { from: 'a', to: 'b', mode: 'two-way' },
        { from: 'b', to: 'a', mode: 'two-way' },
      ],
    };
    expect(validateConfig(raw).links.every((l) => l.mode === 'two-way')).toBe(true);
  });
});
