import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTandemError, ErrorCodes } from '../../../src/errors.js';
import { DEFAULT_PORTS, resolveStackSettings } from '../../../src/stack/settings.js';

describe('resolveStackSettings', () => {
  it('puts the stack under <projectRoot>/.tandem/stack with the default ports', () => {
    const settings = resolveStackSettings({ projectRoot: '/repo', env: { HOME: '/home/dev' } });
    expect(settings.stackDir).toBe('/repo/.tandem/stack');
    expect(settings.ports).toEqual(DEFAULT_PORTS);
    expect(settings.ports).toEqual({ postgres: 54329, mariadb: 33069, kafka: 19092, kafkaController: 19093 });
  });

  it('keeps the Kafka jars in the user cache, outside the repository', () => {
    expect(resolveStackSettings({ projectRoot: '/repo', env: { HOME: '/home/dev' } }).kafkaCacheDir).toBe(
      '/home/dev/.cache/tandem/kafka-4.1.1',
    );
    expect(
      resolveStackSettings({ projectRoot: '/repo', env: { HOME: '/home/dev', XDG_CACHE_HOME: '/var/cache/dev' } })
        .kafkaCacheDir,
    ).toBe('/var/cache/dev/tandem/kafka-4.1.1');
  });

  it('reads the state dir and ports from the environment', () => {
    const settings = resolveStackSettings({
      projectRoot: '/repo',
      env: {
        TANDEM_STACK_DIR: '/tmp/other-stack',
        TANDEM_STACK_PG_PORT: '6000',
        TANDEM_STACK_MYSQL_PORT: '6001',
        TANDEM_STACK_KAFKA_PORT: '6002',
        TANDEM_STACK_KAFKA_CONTROLLER_PORT: '6003',
      },
    });
    expect(settings.stackDir).toBe('/tmp/other-stack');
    expect(settings.ports).toEqual({ postgres: 6000, mariadb: 6001, kafka: 6002, kafkaController: 6003 });
  });

  it('resolves a relative TANDEM_STACK_DIR against the project root', () => {
    expect(resolveStackSettings({ projectRoot: '/repo', env: { TANDEM_STACK_DIR: 'tmp/stack' } }).stackDir).toBe(
      join('/repo', 'tmp/stack'),
    );
  });

  it.each(['abc', '0', '70000', '54.3'])('rejects the port %s with CONFIG_INVALID', (port) => {
    let caught: unknown;
    try {
      resolveStackSettings({ projectRoot: '/repo', env: { TANDEM_STACK_PG_PORT: port } });
    } catch (error) {
      caught = error;
    }
    expect(isTandemError(caught, ErrorCodes.CONFIG_INVALID)).toBe(true);
    expect((caught as Error).message).toContain('TANDEM_STACK_PG_PORT');
  });

  it('defaults the project root to this checkout', () => {
    const settings = resolveStackSettings({ env: {} });
    expect(settings.stackDir).toBe(join(process.cwd(), '.tandem', 'stack'));
  });
});
