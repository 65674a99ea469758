import { crc32 } from 'node:zlib';
import mysql from 'mysql2/promise';
import type { KafkaConfig, NodeConfig, ReaderConfig } from '../config/schema.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { Logger } from '../logging.js';
import { BinlogConnection, type DumpCommand } from '../mysql/binlog-connection.js';
import { BinlogStream } from '../mysql/binlog-stream.js';
import { MysqlChangeHandler } from '../mysql/change-handler.js';
import { defaultDatabase, mysqlConnectionOptions } from '../mysql/connection.js';
import { MariadbGtidPosition } from '../mysql/gtid.js';
import { MysqlPosition } from '../mysql/mysql-position.js';
import { checkPreconditions, serverInfo, type ServerInfo } from '../mysql/preconditions.js';
import { readServerCharsets } from '../mysql/server-charsets.js';
import { checkPositionAvailable, currentPosition } from '../mysql/start-position.js';
import { readCatalogTables, type TableRef } from '../mysql/table-catalog.js';
import { parseMysqlTableRef } from '../mysql/table-refs.js';
import { TrackedTables } from '../mysql/tracked-tables.js';
import type { ChangePublisher, EventEncoder } from './change-publisher.js';
import { TwoWayFilter } from './two-way-filter.js';
import { prepareReading, type ReaderLinks } from '../twoway/reader-setup.js';
import { failureLatch, openPublishingSession, type PublishingSession } from './publishing-session.js';

export interface MysqlReaderDeps {
  node: NodeConfig;
  kafka: KafkaConfig;
  reader: ReaderConfig;
  logger: Logger;
  encoder: EventEncoder;
  /** The links touching this node: versioned tables, applied transactions to leave out or relay. */
  links?: ReaderLinks | undefined;
}

/** The replica server id a node's reader announces unless configured: stable, and away from small hand-picked ids. */
export function defaultServerId(nodeName: string): number {
  return 1_000_000_000 + (crc32(`tandem.reader.${nodeName}`) % 1_000_000_000);
}

/**
 * The MySQL/MariaDB reader: the row binlog → change events → Kafka, exactly once. On start it checks
 * the source's settings, fences older instances of itself, asks Kafka (the offsets topic) how far it
 * got, and asks the server to stream from that GTID state; each Kafka transaction carries the position
 * it reaches, so a restart resumes right after the last published source transaction.
 */
export class MysqlReader {
  readonly #deps: MysqlReaderDeps;
  readonly #log: Logger;
  #publisher: ChangePublisher | undefined;
  #stream: BinlogStream | undefined;
  #stopping = false;
  #stop: () => void = () => undefined;
  readonly #stopped = new Promise<void>((resolve) => {
    this.#stop = resolve;
  });
  #position: MysqlPosition | undefined;
  #streaming: () => void = () => undefined;
  /** Resolves once the start position is fixed: every transaction the server commits from then on is read. */
  readonly streaming = new Promise<void>((resolve) => {
    this.#streaming = resolve;
  });

  constructor(deps: MysqlReaderDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'mysql-reader', node: deps.node.name });
  }

  #filter: TwoWayFilter | undefined;

  /** Publication counters, plus (with links into the node) applied changes left out and changes without a version. */
  get stats() {
    const published = this.#publisher?.stats;
    if (!published) return undefined;
    return { ...published, ...this.#filter?.stats };
  }

  async run(): Promise<void> {
    const { node, kafka, reader } = this.#deps;
    const options = mysqlConnectionOptions(node.connection);
    const configured: TableRef[] = node.tables.map((t) => parseMysqlTableRef(t, defaultDatabase(node.connection)));
    let refs = configured;
    let sql: mysql.Connection;
    try {
      sql = await mysql.createConnection(options);
    } catch (cause) {
      throw new TandemError(ErrorCodes.MYSQL_CONNECTION, `cannot connect to MySQL node ${node.name}: ${(cause as Error).message}`, { cause, canRetry: true });
    }
    sql.on('error', () => undefined);
    let session: PublishingSession | undefined;
    let publisher: ChangePublisher | undefined;
    let binlog: BinlogConnection | undefined;
    try {
      const server = await serverInfo(sql);
      await checkPreconditions(sql, server, configured, (message) => this.#log.warn(message));
      const linked = this.#deps.links ? await prepareReading(node, this.#deps.links) : undefined;
      // Shadow tables carry the versions of two-way rows; progress tables mark appliers' transactions.
      if (linked) refs = [...configured, ...[...linked.shadows.map((s) => s.shadow), ...linked.progressTables].map((t) => ({ database: t.schema, table: t.table }))];
      session = await openPublishingSession({ node: node.name, kafka, reader, encoder: this.#deps.encoder });
      const resumedFrom = session.stored ? MysqlPosition.fromJson(session.stored.position) : undefined;
      if (resumedFrom && resumedFrom.flavor !== server.flavor) {
        throw new TandemError(ErrorCodes.OFFSETS_CORRUPT, `the stored position of ${session.readerId} is a ${resumedFrom.flavor} position, but node ${node.name} is ${server.flavor}; its offset belongs to another server`);
      }
      const start = resumedFrom ?? (await currentPosition(sql, server.flavor));
      if (resumedFrom) await checkPositionAvailable(sql, resumedFrom);

      const charsets = await readServerCharsets(sql, server.flavor);
      const tables = new TrackedTables(refs, { node: node.name, zeroDates: node.mysql?.zeroDates ?? 'error', flavor: server.flavor, charsets });
      const readDefinitions = () => readCatalogTables(sql, refs, server.flavor);
      // Definitions: as stored with the position (the columns the next rows were written with); tables
      // the position does not know yet (newly configured), from the catalog.
      tables.define(await readDefinitions());
      if (resumedFrom) tables.define(resumedFrom.tables);
      this.#position = start;
      this.#log.info({ start: start.toString(), resumed: resumedFrom !== undefined, server: server.version }, 'mysql reader starting');

      binlog = await BinlogConnection.open(options);
      const checksum = await this.#prepareDump(binlog, server, start);
      const latch = failureLatch();
      const activePublisher = session.publisher(async (position) => {
        this.#position = position as MysqlPosition;
      }, latch.fail);
      publisher = activePublisher;
      this.#publisher = activePublisher;
      const handler = new MysqlChangeHandler({
        node: node.name,
        tables,
        publisher: (this.#filter = linked ? new TwoWayFilter(activePublisher, linked, this.#log) : undefined) ?? activePublisher,
        resumedFrom,
        gtids: start.gtids,
        readDefinitions,
        onDefinitionsChanged: (changed, at) => this.#log.info({ tables: changed, at }, 'table definitions changed'),
      });
      const stream = new BinlogStream(binlog, handler, { silenceTimeoutMs: 3 * HEARTBEAT_SECONDS * 1000, initialChecksum: checksum });
      this.#stream = stream;
      const command: DumpCommand =
        start.gtids instanceof MariadbGtidPosition
          ? { kind: 'file', serverId: this.#serverId(), file: '', position: 4 }
          : { kind: 'mysql-gtid', serverId: this.#serverId(), gtidSet: start.gtids.encode() };
      const running = stream.run(command, this.#stopped);
      this.#streaming();
      await Promise.race([running, latch.failed]);
      await stream.idle();
      if (this.#stopping) await activePublisher.flush();
    } finally {
      binlog?.close();
      await session?.close();
      await sql.end().catch(() => undefined);
      this.#log.info({ position: this.#position?.toString(), ...publisher?.stats }, 'mysql reader stopped');
    }
  }

  /** Stops reading, commits the complete source transactions in hand, and returns from run(). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stop();
  }

  #serverId(): number {
    return this.#deps.node.mysql?.serverId ?? defaultServerId(this.#deps.node.name);
  }

  /**
   * Session settings of the dump: acknowledge the server's checksums, ask for heartbeats, and (MariaDB)
   * declare GTID capability and the GTID position to start after.
   */
  async #prepareDump(binlog: BinlogConnection, server: ServerInfo, start: MysqlPosition): Promise<boolean> {
    const [row] = (await binlog.query('SELECT @@global.binlog_checksum AS c')) as Array<{ c: unknown }>;
    const checksum = String(row?.c ?? 'NONE').toUpperCase();
    await binlog.query(`SET @master_binlog_checksum = '${checksum === 'CRC32' ? 'CRC32' : 'NONE'}'`);
    if (server.flavor === 'mysql') await binlog.query(`SET @source_binlog_checksum = '${checksum === 'CRC32' ? 'CRC32' : 'NONE'}'`).catch(() => undefined);
    await binlog.query(`SET @master_heartbeat_period = ${HEARTBEAT_SECONDS * 1_000_000_000}`);
    // MySQL 8.0.26+ also reads the variable under its new name; setting a user variable cannot fail.
    if (server.flavor === 'mysql') await binlog.query(`SET @source_heartbeat_period = ${HEARTBEAT_SECONDS * 1_000_000_000}`);
    if (server.flavor === 'mariadb') {
      await binlog.query('SET @mariadb_slave_capability = 4');
      await binlog.query(`SET @slave_connect_state = '${start.gtids.toString()}'`);
      await binlog.query('SET @slave_gtid_strict_mode = 1');
      await binlog.query('SET @slave_gtid_ignore_duplicates = 0');
    }
    return checksum === 'CRC32';
  }
}

const HEARTBEAT_SECONDS = 10;
