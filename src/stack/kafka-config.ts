import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KAFKA_VERSION } from './settings.js';

/** Where the local Kafka keeps everything, under `<stackDir>/kafka`. */
export interface KafkaPaths {
  dir: string;
  dataDir: string;
  serverProperties: string;
  log4jProperties: string;
  /** log4j output of the broker (rolled at 20 MB). */
  serverLog: string;
  /** stdout/stderr of the JVM: startup crashes land here before log4j is up. */
  consoleLog: string;
  formatLog: string;
  fetchLog: string;
  pidFile: string;
  clusterIdFile: string;
  /** KRaft writes this when the storage is formatted. */
  metaProperties: string;
}

export function kafkaPaths(stackDir: string): KafkaPaths {
  const dir = join(stackDir, 'kafka');
  const dataDir = join(dir, 'data');
  return {
    dir,
    dataDir,
    serverProperties: join(dir, 'server.properties'),
    log4jProperties: join(dir, 'log4j2.properties'),
    serverLog: join(dir, 'server.log'),
    consoleLog: join(dir, 'console.log'),
    formatLog: join(dir, 'format.log'),
    fetchLog: join(dir, 'maven-fetch.log'),
    pidFile: join(dir, 'kafka.pid'),
    clusterIdFile: join(dir, 'cluster-id'),
    metaProperties: join(dataDir, 'meta.properties'),
  };
}

export interface KafkaServerInput {
  dataDir: string;
  brokerPort: number;
  controllerPort: number;
}

/**
 * A single KRaft node acting as broker and controller (dynamic quorum, formatted with --standalone), with the
 * internal topics at replication factor 1 so transactions and consumer groups work on one node.
 */
export function renderKafkaServerProperties(input: KafkaServerInput): string {
  const broker = `127.0.0.1:${input.brokerPort}`;
  const controller = `127.0.0.1:${input.controllerPort}`;
  const settings: [string, string | number][] = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.bootstrap.servers', controller],
    ['listeners', `PLAINTEXT://${broker},CONTROLLER://${controller}`],
    ['advertised.listeners', `PLAINTEXT://${broker},CONTROLLER://${controller}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', input.dataDir],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['auto.create.topics.enable', 'false'],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 10],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 10],
    ['transaction.max.timeout.ms', 900_000],
    ['share.coordinator.state.topic.replication.factor', 1],
    ['share.coordinator.state.topic.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['num.network.threads', 3],
    ['num.io.threads', 4],
    ['log.retention.hours', 168],
  ];
  const lines = settings.map(([name, value]) => `${name}=${escapeProperty(String(value))}`);
  return ['# Written by `tandem stack up` on every start; edits here are overwritten.', ...lines, ''].join('\n');
}

/** log4j2 configuration: everything to one rolling file in the stack dir, nothing on the console. */
export function renderLog4jProperties(serverLog: string): string {
  const file = escapeProperty(serverLog);
  return [
    'name=TandemKafka',
    'appender.file.type=RollingFile',
    'appender.file.name=FILE',
    `appender.file.fileName=${file}`,
    `appender.file.filePattern=${file}.%i`,
    'appender.file.layout.type=PatternLayout',
    'appender.file.layout.pattern=[%d] %p %m (%c)%n',
    'appender.file.policies.type=Policies',
    'appender.file.policies.size.type=SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size=20MB',
    'appender.file.strategy.type=DefaultRolloverStrategy',
    'appender.file.strategy.max=3',
    'rootLogger.level=INFO',
    'rootLogger.appenderRef.file.ref=FILE',
    'logger.stateChange.name=state.change.logger',
    'logger.stateChange.level=WARN',
    'logger.requestChannel.name=kafka.request.logger',
    'logger.requestChannel.level=WARN',
    '',
  ].join('\n');
}

export const LOG4J_VERSION = '2.24.3';
/** log4j-slf4j2-impl binds SLF4J 2; Kafka's own pom pulls SLF4J 1.7, so the 2.x API is pinned as a direct dependency. */
export const SLF4J_VERSION = '2.0.17';

/** A throwaway Maven project whose only purpose is `dependency:copy-dependencies` of the Kafka server. */
export function renderKafkaFetchPom(): string {
  const dependency = (groupId: string, artifactId: string, version: string): string =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>dev.tandem.stack</groupId>',
    `  <artifactId>kafka-server-${KAFKA_VERSION}</artifactId>`,
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    dependency('org.apache.kafka', 'kafka_2.13', KAFKA_VERSION),
    dependency('org.slf4j', 'slf4j-api', SLF4J_VERSION),
    dependency('org.apache.logging.log4j', 'log4j-slf4j2-impl', LOG4J_VERSION),
    dependency('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/** JVM arguments to run the broker: bounded heap, log4j2 pointed at our config, classpath wildcard over the jars. */
export function kafkaJavaArgs(libsDir: string, paths: KafkaPaths): string[] {
  return [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${paths.log4jProperties}`,
    `-Dkafka.logs.dir=${paths.dir}`,
    '-cp',
    `${join(libsDir, '*')}`,
    'kafka.Kafka',
    paths.serverProperties,
  ];
}

export function storageFormatArgs(libsDir: string, paths: KafkaPaths, clusterId: string): string[] {
  return [
    `-Dlog4j2.configurationFile=${paths.log4jProperties}`,
    '-cp',
    `${join(libsDir, '*')}`,
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '--cluster-id',
    clusterId,
    '--config',
    paths.serverProperties,
  ];
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
export function newKafkaClusterId(bytes: Buffer = randomBytes(16)): string {
  const id = Buffer.from(bytes);
  // Kafka rejects Uuid.ZERO, Uuid.ONE and ids that start with '-'; a first byte in 0x01..0x7f rules all three out.
  id[0] = ((id[0] ?? 0) & 0x7f) | 0x01;
  return id.toString('base64url');
}

/** Java .properties escaping for values (backslashes; a leading space). */
function escapeProperty(value: string): string {
  return value.replaceAll('\\', '\\\\').replace(/^ /, '\\ ');
}
