import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE_SERVICE } from '../../../src/stack/compose-status.js';

/** docker/compose.yaml cannot run on machines without Docker; at least its settings are checked here. */
interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(new URL('../../../docker/compose.yaml', import.meta.url), 'utf8')) as {
  services: Record<string, ComposeService>;
  configs: Record<string, { content: string }>;
};

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`no service ${name} in docker/compose.yaml`);
  return found;
}

describe('docker/compose.yaml', () => {
  it('has one service per stack service, with the pinned images', () => {
    expect(Object.keys(compose.services).sort()).toEqual(Object.values(COMPOSE_SERVICE).sort());
    expect(service('postgres').image).toBe('postgres:17');
    expect(service('mysql').image).toBe('mysql:8.4');
    expect(service('kafka').image).toBe('apache/kafka:4.1.1');
  });

  it('publishes the same loopback ports as the local backend', () => {
    expect(service('postgres').ports).toEqual(['127.0.0.1:${TANDEM_STACK_PG_PORT:-54329}:5432']);
    expect(service('mysql').ports).toEqual(['127.0.0.1:${TANDEM_STACK_MYSQL_PORT:-33069}:3306']);
    expect(service('kafka').ports).toEqual(['127.0.0.1:${TANDEM_STACK_KAFKA_PORT:-19092}:9092']);
  });

  it('configures PostgreSQL for logical decoding', () => {
    const command = service('postgres').command ?? [];
    for (const setting of [
      'wal_level=logical',
      'track_commit_timestamp=on',
      'max_replication_slots=32',
      'max_wal_senders=32',
      'max_connections=200',
    ]) {
      expect(command[command.indexOf(setting) - 1]).toBe('-c');
    }
    expect(service('postgres').environment).toMatchObject({ POSTGRES_USER: 'tandem', POSTGRES_PASSWORD: 'tandem' });
  });

  it('configures MySQL for row-based GTID binlogs and grants replication', () => {
    expect(service('mysql').command).toEqual(
      expect.arrayContaining([
        '--server-id=1',
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--gtid-mode=ON',
        '--enforce-gtid-consistency=ON',
      ]),
    );
    const grants = compose.configs['mysql-tandem-grants']?.content ?? '';
    expect(grants).toContain("GRANT ALL PRIVILEGES ON *.* TO 'tandem'@'%' WITH GRANT OPTION");
    expect(grants).toContain('REPLICATION SLAVE, REPLICATION CLIENT');
  });

  it('runs Kafka as one KRaft node with the single-node transaction settings', () => {
    const environment = service('kafka').environment ?? {};
    expect(environment).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1,
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1,
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1,
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: 0,
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_TRANSACTION_MAX_TIMEOUT_MS: 900000,
    });
    expect(String(environment['KAFKA_ADVERTISED_LISTENERS'])).toContain(
      'PLAINTEXT://127.0.0.1:${TANDEM_STACK_KAFKA_PORT:-19092}',
    );
    expect(Buffer.from(String(environment['CLUSTER_ID']), 'base64url')).toHaveLength(16);
  });

  it('has a healthcheck on every service, so `up --wait` means ready', () => {
    for (const name of Object.keys(compose.services)) expect(service(name).healthcheck?.test.length).toBeGreaterThan(0);
  });
});
