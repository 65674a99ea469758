import { describe, expect, it } from 'vitest';
import { resolveStackSettings } from '../../../src/stack/settings.js';
import { renderEnvLine, shellWord, stackEnvFor, stackEnvFromVariables } from '../../../src/stack/stack-env.js';

describe('stackEnvFor', () => {
  it('builds the URLs from the ports', () => {
    expect(stackEnvFor(resolveStackSettings({ projectRoot: '/repo', env: {} }))).toEqual({
      pgUrl: 'postgres://tandem:tandem@127.0.0.1:54329/tandem',
      mysqlUrl: 'mysql://tandem:tandem@127.0.0.1:33069/tandem',
      kafkaBrokers: ['127.0.0.1:19092'],
    });
  });
});

describe('renderEnvLine', () => {
  it('prints one export line for eval', () => {
    const line = renderEnvLine({
      pgUrl: 'postgres://tandem:tandem@127.0.0.1:54329/tandem',
      mysqlUrl: 'mysql://tandem:tandem@127.0.0.1:33069/tandem',
      kafkaBrokers: ['127.0.0.1:19092', '127.0.0.1:19094'],
    });
    expect(line).toBe(
      'export TANDEM_PG_URL=postgres://tandem:tandem@127.0.0.1:54329/tandem ' +
        'TANDEM_MYSQL_URL=mysql://tandem:tandem@127.0.0.1:33069/tandem ' +
        'TANDEM_KAFKA_BROKERS=127.0.0.1:19092,127.0.0.1:19094',
    );
    expect(line).not.toContain('\n');
  });

  it('round-trips through stackEnvFromVariables', () => {
    const env = stackEnvFor(resolveStackSettings({ projectRoot: '/repo', env: {} }));
    const variables = Object.fromEntries(
      renderEnvLine(env)
        .replace(/^export /, '')
        .split(' ')
        .map((assignment) => [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)]),
    );
    expect(stackEnvFromVariables(variables)).toEqual(env);
  });
});

describe('shellWord', () => {
  it('leaves URL characters alone and quotes anything the shell would interpret', () => {
    expect(shellWord('postgres://a:b@h:1/d?sslmode=disable')).toBe("'postgres://a:b@h:1/d?sslmode=disable'");
    expect(shellWord('mysql://a:b@h:1/d')).toBe('mysql://a:b@h:1/d');
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });
});

describe('stackEnvFromVariables', () => {
  it('needs all three variables', () => {
    expect(stackEnvFromVariables({ TANDEM_PG_URL: 'postgres://x', TANDEM_MYSQL_URL: 'mysql://y' })).toBeUndefined();
    expect(
      stackEnvFromVariables({ TANDEM_PG_URL: 'postgres://x', TANDEM_MYSQL_URL: 'mysql://y', TANDEM_KAFKA_BROKERS: ' ' }),
    ).toBeUndefined();
  });

  it('splits and trims the broker list', () => {
    expect(
      stackEnvFromVariables({
        TANDEM_PG_URL: 'postgres://x',
        TANDEM_MYSQL_URL: 'mysql://y',
        TANDEM_KAFKA_BROKERS: 'a:1, b:2,',
      }),
    ).toEqual({ pgUrl: 'postgres://x', mysqlUrl: 'mysql://y', kafkaBrokers: ['a:1', 'b:2'] });
  });
});
