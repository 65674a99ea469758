import pg from 'pg';
import { WriterSchemaCache, encodeChangeEvent } from '../avro/index.js';
import type { NodeConfig, TandemConfig } from '../config/schema.js';
import type { Logger } from '../logging.js';
import { REPLICATION_SESSION_OPTIONS } from '../postgres/session-settings.js';
import { parsePgText } from '../postgres/text-values.js';
import { PgTypeCatalog } from '../postgres/type-catalog.js';
import type { EventEncoder } from '../reader/change-publisher.js';
import { MysqlReader } from '../reader/mysql-reader.js';
import { PgReader } from '../reader/pg-reader.js';
import type { Component } from './supervisor.js';

/** The Avro encoder readers use: one writer schema per table version, cached. */
export function avroEventEncoder(cache = new WriterSchemaCache()): EventEncoder {
  return (event) => {
    const writer = cache.writerFor(event.table);
    return { value: encodeChangeEvent(event, writer), writer };
  };
}

export function createPgReader(node: NodeConfig, config: TandemConfig, logger: Logger): PgReader {
  return new PgReader({
    node,
    kafka: config.kafka,
    reader: config.reader,
    logger,
    encoder: avroEventEncoder(),
    replicationSessionOptions: REPLICATION_SESSION_OPTIONS,
    typeResolver: (client: pg.Client) => new PgTypeCatalog(client),
    parseText: parsePgText,
  });
}

export function createMysqlReader(node: NodeConfig, config: TandemConfig, logger: Logger): MysqlReader {
  return new MysqlReader({ node, kafka: config.kafka, reader: config.reader, logger, encoder: avroEventEncoder() });
}

/** One supervised component per node whose reader is to run. */
export function readerComponents(config: TandemConfig, logger: Logger, only?: string[]): Array<() => Component> {
  const nodes = config.nodes.filter((n) => !only || only.includes(n.name));
  return nodes.map((node) => {
    return () => {
      const reader = node.engine === 'mysql' ? createMysqlReader(node, config, logger) : createPgReader(node, config, logger);
      return { name: `reader.${node.name}`, run: () => reader.run(), stop: () => reader.stop() };
    };
  });
}
