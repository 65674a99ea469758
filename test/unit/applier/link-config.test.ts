import { describe, expect, it } from 'vitest';
import { linkRoutes } from '../../../src/applier/link-routes.js';
import { validateConfig } from '../../../src/config/load.js';
import { isTandemError } from '../../../src/errors.js';

const nodes = [
  { name: 'shop', engine: 'postgres', connection: { url: 'postgres://u@h:5432/shop' }, tables: ['public.orders', 'sales."Order Items"', 'customers'] },
  { name: 'erp', engine: 'mysql', connection: { url: 'mysql://u@h:3306/erp' }, tables: ['erp.orders', 'lines'] },
  { name: 'dr', engine: 'postgres', connection: { url: 'postgres://u@h:5432/dr' }, tables: ['public.orders'] },
];

function config(links: unknown[], extra: Record<string, unknown> = {}) {
  return { kafka: { brokers: ['127.0.0.1:19092'], ...extra }, nodes, links };
}

function problems(links: unknown[], extra: Record<string, unknown> = {}): string {
  try {
    validateConfig(config(links, extra));
  } catch (e) {
    if (isTandemError(e, 'TANDEM_CONFIG_INVALID')) return e.message;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('links in the config', () => {
  it('takes a link with defaults', () => {
    const parsed = validateConfig(config([{ from: 'shop', to: 'erp' }]));
    expect(parsed.links[0]).toEqual({ from: 'shop', to: 'erp', mode: 'one-way', ordering: 'transaction', onError: 'stop', batchMaxRows: 5000, batchMaxDelayMs: 200 });
    expect(validateConfig(config([])).links).toEqual([]);
  });

  it('names key, value and fix for bad links', () => {
    expect(problems([{ from: 'shop', to: 'nope' }])).toMatch(/links\.0\.to: node "nope" is not configured; use one of: shop, erp, dr/);
    expect(problems([{ from: 'shop', to: 'shop' }])).toMatch(/links\.0\.to: a link goes from one node to another/);
    expect(problems([{ from: 'shop', to: 'erp' }, { from: 'shop', to: 'erp' }])).toMatch(/links\.1: link shop->erp is configured twice/);
    expect(problems([{ from: 'shop', to: 'erp' }], { partitions: 4 })).toMatch(/links\.0\.ordering: ordering: transaction needs one partition.*kafka\.partitions: 1, or ordering: key/);
    expect(problems([{ from: 'shop', to: 'erp', ordering: 'sideways' }])).toMatch(/links\.0\.ordering/);
    expect(problems([{ from: 'shop', to: 'erp', tables: { 'public.nope': 'erp.x' } }])).toMatch(/names source table "public.nope", which node shop does not replicate \(its tables: public.orders/);
    expect(problems([{ from: 'shop', to: 'erp', keys: { 'erp.nothing': ['id'] } }])).toMatch(/keys names target table "erp.nothing", which no source table of node shop goes to/);
    expect(problems([{ from: 'shop', to: 'erp', columns: { 'public.orders': { a: 'x', b: 'x' } } }])).toMatch(/maps both "a" and "b" to target column "x"/);
    expect(problems([{ from: 'shop', to: 'erp', tables: { 'public.orders': 'erp.t', customers: 'erp.t' } }])).toMatch(/both go to target table erp\.t/);
    expect(problems([{ from: 'shop', to: 'erp', batchMaxRows: 0 }])).toMatch(/links\.0\.batchMaxRows/);
  });

  it('routes tables: same names by default, PostgreSQL → MySQL into the target connection\'s database', () => {
    const parsed = validateConfig(
      config([
        { from: 'shop', to: 'erp', tables: { customers: 'crm.clients' }, columns: { 'public.orders': { total: 'amount' } }, keys: { 'crm.clients': ['email'] } },
        { from: 'erp', to: 'dr', tables: { 'erp.orders': 'public.orders' } },
        { from: 'shop', to: 'dr' },
      ]),
    );
    const shopToErp = linkRoutes(parsed.nodes, parsed.links[0]!);
    expect(shopToErp.map((r) => [r.source, r.target, [...r.columns], r.key])).toEqual([
      [{ schema: 'public', table: 'orders' }, { schema: 'erp', table: 'orders' }, [['total', 'amount']], undefined],
      [{ schema: 'sales', table: 'Order Items' }, { schema: 'erp', table: 'Order Items' }, [], undefined],
      [{ schema: 'public', table: 'customers' }, { schema: 'crm', table: 'clients' }, [], ['email']],
    ]);
    const erpToDr = linkRoutes(parsed.nodes, parsed.links[1]!);
    expect(erpToDr.map((r) => [r.source, r.target])).toEqual([
      [{ schema: 'erp', table: 'orders' }, { schema: 'public', table: 'orders' }],
      [{ schema: 'erp', table: 'lines' }, { schema: 'erp', table: 'lines' }],
    ]);
    expect(linkRoutes(parsed.nodes, parsed.links[2]!).map((r) => r.target)).toEqual([
      { schema: 'public', table: 'orders' },
      { schema: 'sales', table: 'Order Items' },
      { schema: 'public', table: 'customers' },
    ]);
  });
});
