import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { redactConfig } from '../../../src/config/redact.js';
import { isTandemError, type TandemError } from '../../../src/errors.js';

const good = `
kafka:
  brokers: ["127.0.0.1:19092"]
nodes:
  - name: shop
    engine: postgres
    connection:
      url: postgres://tandem:\${env:SHOP_PASSWORD}@127.0.0.1:54329/shop
    tables: [public.orders]
`;

function failure(text: string, env: NodeJS.ProcessEnv = {}): TandemError {
  try {
    parseConfigText(text, 'tandem.yaml', env);
  } catch (e) {
    if (isTandemError(e)) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('loads a valid config with defaults and substitutes environment references', () => {
    const config = parseConfigText(good, 'tandem.yaml', { SHOP_PASSWORD: 's3cret' });
    expect(config.kafka.topicPrefix).toBe('tandem');
    expect(config.kafka.partitions).toBe(1);
    expect(config.reader.batchMaxEvents).toBeGreaterThan(0);
    expect(config.nodes[0]!.connection).toEqual({ url: 'postgres://tandem:s3cret@127.0.0.1:54329/shop' });
  });

  it('never shows secrets when redacted', () => {
    const config = parseConfigText(good, 'tandem.yaml', { SHOP_PASSWORD: 's3cret' });
    expect(JSON.stringify(redactConfig(config))).not.toContain('s3cret');
  });

  it('names a missing environment variable and how to fix it', () => {
    const e = failure(good);
    expect(e.code).toBe('TANDEM_CONFIG_ENV_MISSING');
    expect(e.message).toContain('SHOP_PASSWORD');
    expect(e.message).toContain('nodes.0.connection.url');
  });

  it('names the key, the bad value and what is expected', () => {
    const e = failure(good.replace('engine: postgres', 'engine: oracle'), { SHOP_PASSWORD: 'x' });
    expect(e.code).toBe('TANDEM_CONFIG_INVALID');
    expect(e.message).toContain('nodes.0.engine');
    expect(e.message).toContain('"oracle"');
    expect(e.message).toMatch(/postgres.*mysql/);
  });

  it('rejects unknown keys, duplicate node names, bad brokers and bad YAML', () => {
    expect(failure(good.replace('tables:', 'tabels:'), { SHOP_PASSWORD: 'x' }).message).toContain('tabels');
    const twice = good + good.slice(good.indexOf('  - name')).replace(/^/, '');
    expect(failure(twice.replace('nodes:\n', 'nodes:\n'), { SHOP_PASSWORD: 'x' }).message).toMatch(/used twice/);
    expect(failure(good.replace('127.0.0.1:19092', 'localhost'), { SHOP_PASSWORD: 'x' }).message).toContain('kafka.brokers.0');
    expect(failure('kafka: [', {}).message).toContain('not valid YAML');
  });

  it('does not print a password in a validation error', () => {
    const text = good.replace('url: postgres://tandem:${env:SHOP_PASSWORD}@127.0.0.1:54329/shop', 'url: 5');
    const e = failure(text);
    expect(e.message).toContain('nodes.0.connection');
  });
});

describe('tandem.example.yaml', () => {
  it('is a valid config', async () => {
    const { loadConfigFile } = await import('../../../src/config/load.js');
    const config = await loadConfigFile(new URL('../../../tandem.example.yaml', import.meta.url).pathname, { SHOP_PG_PASSWORD: 'x', INVENTORY_MYSQL_PASSWORD: 'y', STANDBY_PG_PASSWORD: 'z' });
    expect(config.nodes.map((n) => n.name)).toEqual(['shop', 'inventory', 'standby']);
    expect(config.links.map((l) => `${l.from}->${l.to} ${l.mode}`)).toEqual(['shop->inventory two-way', 'inventory->shop two-way', 'shop->standby one-way']);
  });
});
