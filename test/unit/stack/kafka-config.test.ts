import { describe, expect, it } from 'vitest';
import {
  kafkaJavaArgs,
  kafkaPaths,
  newKafkaClusterId,
  renderKafkaFetchPom,
  renderKafkaServerProperties,
  renderLog4jProperties,
  storageFormatArgs,
} from '../../../src/stack/kafka-config.js';

function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    properties.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return properties;
}

describe('renderKafkaServerProperties', () => {
  const properties = parseProperties(
    renderKafkaServerProperties({ dataDir: '/s/kafka/data', brokerPort: 19092, controllerPort: 19093 }),
  );

  it('runs one KRaft node as broker and controller with a dynamic quorum', () => {
    expect(properties.get('process.roles')).toBe('broker,controller');
    expect(properties.get('node.id')).toBe('1');
    expect(properties.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.1:19093');
    expect(properties.has('controller.quorum.voters')).toBe(false);
  });

  it('listens and advertises on loopback', () => {
    expect(properties.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(properties.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(properties.get('controller.listener.names')).toBe('CONTROLLER');
  });

  it('has the single-node settings transactions need', () => {
    expect(properties.get('offsets.topic.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.replication.factor')).toBe('1');
    expect(properties.get('transaction.state.log.min.isr')).toBe('1');
    expect(properties.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(properties.get('auto.create.topics.enable')).toBe('false');
    expect(properties.get('transaction.max.timeout.ms')).toBe('900000');
    expect(properties.get('log.dirs')).toBe('/s/kafka/data');
  });
});

describe('renderLog4jProperties', () => {
  it('logs to one rolling file and nothing else', () => {
    const properties = parseProperties(renderLog4jProperties('/s/kafka/server.log'));
    expect(properties.get('appender.file.fileName')).toBe('/s/kafka/server.log');
    expect(properties.get('rootLogger.appenderRef.file.ref')).toBe('FILE');
    expect([...properties.keys()].some((key) => key.includes('console'))).toBe(false);
  });
});

describe('renderKafkaFetchPom', () => {
  it('depends on the Kafka server and a log4j2 backend for SLF4J 2', () => {
    const pom = renderKafkaFetchPom();
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.1.1</version>');
    expect(pom).toContain('<artifactId>log4j-slf4j2-impl</artifactId>');
    expect(pom).toContain('<artifactId>log4j-core</artifactId>');
    expect(pom).toContain('<groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.');
  });
});

describe('java command lines', () => {
  const paths = kafkaPaths('/s');

  it('starts kafka.Kafka with our config, a bounded heap and our log4j2 file', () => {
    const args = kafkaJavaArgs('/cache/libs', paths);
    expect(args).toContain('-Xmx1g');
    expect(args).toContain('-Dlog4j2.configurationFile=/s/kafka/log4j2.properties');
    expect(args.slice(-4)).toEqual(['-cp', '/cache/libs/*', 'kafka.Kafka', '/s/kafka/server.properties']);
  });

  it('formats storage as a standalone controller', () => {
    const args = storageFormatArgs('/cache/libs', paths, 'abc');
    expect(args.slice(args.indexOf('kafka.tools.StorageTool'))).toEqual([
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '--cluster-id',
      'abc',
      '--config',
      '/s/kafka/server.properties',
    ]);
  });
});

describe('newKafkaClusterId', () => {
  it('is 16 bytes in base64url, 22 characters', () => {
    const id = newKafkaClusterId();
    expect(id).toHaveLength(22);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('never produces the reserved ids or a leading dash', () => {
    expect(newKafkaClusterId(Buffer.alloc(16, 0))).not.toBe(Buffer.alloc(16, 0).toString('base64url'));
    const allOnes = newKafkaClusterId(Buffer.alloc(16, 0xff));
    expect(allOnes.startsWith('-')).toBe(false);
    expect(allOnes.startsWith('_')).toBe(false);
  });
});
