import pg from 'pg';
import { WriterSchemaCache, encodeChangeEvent } from '../avro/index.js';
import type { LinkConfig, NodeConfig, TandemConfig } from '../config/schema.js';
import type { CommitInfo } from '../applier/apply-context.js';
import { Applier, linkName } from '../applier/applier.js';
import { MysqlTargetWriter } from '../applier/mysql-target-writer.js';
import { PgTargetWriter } from '../applier/pg-target-writer.js';
import type { TargetWriter } from '../applier/target-writer.js';
import { readerLinks } from '../twoway/reader-setup.js';
import type { StatusBoard } from './status-board.js';
import { ErrorCodes, TandemError } from '../errors.js';
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
    links: readerLinks(config, node),
  });
}

export function createMysqlReader(node: NodeConfig, config: TandemConfig, logger: Logger): MysqlReader {
  return new MysqlReader({ node, kafka: config.kafka, reader: config.reader, logger, encoder: avroEventEncoder(), links: readerLinks(config, node) });
}

/** One supervised component per node whose reader is to run. */
export function readerComponents(config: TandemConfig, logger: Logger, only?: string[], board?: StatusBoard): Array<() => Component> {
  const nodes = config.nodes.filter((n) => !only || only.includes(n.name));
  return nodes.map((node) => {
    return () => {
      const reader = node.engine === 'mysql' ? createMysqlReader(node, config, logger) : createPgReader(node, config, logger);
      const name = `reader.${node.name}`;
      board?.register(name, () => reader.stats && { ...reader.stats });
      return { name, run: () => reader.run(), stop: () => reader.stop() };
    };
  });
}

/** The target dialect of a link's `to` node. */
export function createTargetWriter(node: NodeConfig, link: LinkConfig): TargetWriter {
  return node.engine === 'mysql'
    ? new MysqlTargetWriter({ connection: node.connection, progressSchema: link.progressSchema })
    : new PgTargetWriter({ connection: node.connection, progressSchema: link.progressSchema ?? 'public', linkFrom: link.from });
}

export function createApplier(link: LinkConfig, config: TandemConfig, logger: Logger, options: { onCommitted?: (info: CommitInfo) => void } = {}): Applier {
  const to = config.nodes.find((n) => n.name === link.to);
  if (!to) throw new TandemError(ErrorCodes.CONFIG_INVALID, `link ${linkName(link)} goes to node ${link.to}, which the config does not have`);
  return new Applier({ link, config, logger, writer: createTargetWriter(to, link), ...options });
}

/** The `--only` name of a link's applier: "link:from->to". */
export function linkSelector(link: Pick<LinkConfig, 'from' | 'to'>): string {
  return `link:${linkName(link)}`;
}

/** One supervised component per link whose applier is to run (`only`: node names and link:from->to selectors). */
export function applierComponents(config: TandemConfig, logger: Logger, only?: string[], board?: StatusBoard): Array<() => Component> {
  const links = config.links.filter((l) => !only || only.includes(linkSelector(l)));
  return links.map((link) => () => {
    const applier = createApplier(link, config, logger);
    const name = `applier.${linkName(link)}`;
    board?.register(name, () => ({ ...applier.stats }));
    return { name, run: () => applier.run(), stop: () => applier.stop() };
  });
}
