import pg from 'pg';
import type { KafkaConfig, NodeConfig, ReaderConfig } from '../config/schema.js';
import { ErrorCodes, TandemError } from '../errors.js';
import type { Logger } from '../logging.js';
import { ChangeAssembler, openTransaction, type OpenTransaction } from '../postgres/change-assembler.js';
import { pgClientConfig } from '../postgres/connection.js';
import { PgPosition } from '../postgres/pg-position.js';
import { formatLsn } from '../postgres/pgoutput/lsn.js';
import type { PgoutputMessage } from '../postgres/pgoutput/messages.js';
import { RelationTables, type ColumnTypeResolver, type TextValueParser } from '../postgres/relation-tables.js';
import { ReplicationStream } from '../postgres/replication-stream.js';
import { prepareSource } from '../postgres/source-setup.js';
import { parseTableRef } from '../postgres/table-refs.js';
import type { ChangePublisher, EventEncoder } from './change-publisher.js';
import { failureLatch, openPublishingSession, type PublishingSession } from './publishing-session.js';
import { TwoWayFilter, type EventSink } from './two-way-filter.js';
import { prepareReading, type ReaderLinks } from '../twoway/reader-setup.js';
import { originOfPgOriginName } from '../applier/pg-origin-session.js';

export interface PgReaderDeps {
  node: NodeConfig;
  kafka: KafkaConfig;
  reader: ReaderConfig;
  logger: Logger;
  encoder: EventEncoder;
  /** Session options for the replication connection (text output formats the parser expects). */
  replicationSessionOptions: string;
  typeResolver: (catalogClient: pg.Client) => ColumnTypeResolver;
  parseText: TextValueParser;
  /** The links touching this node: versioned tables, applied transactions to leave out or relay. */
  links?: ReaderLinks | undefined;
}

export const HEARTBEAT_MESSAGE_PREFIX = 'tandem.heartbeat';

/**
 * The PostgreSQL reader: pgoutput → change events → Kafka, exactly once. On start it asks Kafka
 * (the offsets topic) how far it got, streams from the slot, skips transactions Kafka already holds,
 * and acknowledges the slot only after each Kafka commit.
 */
export class PgReader {
  readonly #deps: PgReaderDeps;
  readonly #log: Logger;
  #stream: ReplicationStream | undefined;
  #publisher: ChangePublisher | undefined;
  #stopping = false;
  #current: Promise<void> = Promise.resolve();
  #heartbeat: NodeJS.Timeout | undefined;
  #stored: PgPosition | undefined;

  constructor(deps: PgReaderDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'pg-reader', node: deps.node.name });
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
    const slot = node.postgres?.slot ?? `tandem_${node.name}`;
    const publication = node.postgres?.publication ?? `tandem_${node.name}`;
    const catalogClient = new pg.Client(pgClientConfig(node.connection));
    catalogClient.on('error', () => undefined);
    try {
      await catalogClient.connect();
    } catch (cause) {
      throw new TandemError(ErrorCodes.PG_CONNECTION, `cannot connect to PostgreSQL node ${node.name}: ${(cause as Error).message}`, { cause, canRetry: true });
    }
    let session: PublishingSession | undefined;
    let publisher: ChangePublisher | undefined;
    try {
      const linked = this.#deps.links ? await prepareReading(node, this.#deps.links) : undefined;
      const source = await prepareSource(catalogClient, {
        slot,
        publication,
        // Shadow tables are published too: their rows carry the versions of the data rows that follow them.
        tables: [...node.tables.map((t) => parseTableRef(t, 'public')), ...(linked?.shadows.map((s) => s.shadow) ?? [])],
        warn: (message) => this.#log.warn(message),
      });
      session = await openPublishingSession({ node: node.name, kafka, reader, encoder: this.#deps.encoder });
      this.#stored = session.stored ? PgPosition.fromJson(session.stored.position) : undefined;
      // Two layers keep a restart from publishing twice: asking the server to start at the stored
      // position (it then skips transactions committed before it), and skipping covered transactions
      // below in case the server sends them anyway.
      const startLsn = this.#stored && this.#stored.endLsn > source.slotConfirmedLsn ? this.#stored.endLsn : source.slotConfirmedLsn;
      if (this.#stored && this.#stored.endLsn < source.slotConfirmedLsn) {
        this.#log.error(
          { stored: this.#stored.toString(), slot: formatLsn(source.slotConfirmedLsn) },
          'the slot is ahead of the offsets topic: changes between these positions are not in Kafka (was the offsets topic reset?); take a new snapshot to repair the target',
        );
      }
      this.#log.info({ slot, publication, start: formatLsn(startLsn), slotCreated: source.slotCreated }, 'postgres reader starting');

      const stream = new ReplicationStream({
        connection: pgClientConfig(node.connection, { options: this.#deps.replicationSessionOptions }),
        slot,
        publication,
        startLsn,
      });
      this.#stream = stream;
      const latch = failureLatch();
      publisher = session.publisher(async (position) => {
        this.#stored = position as PgPosition;
        await stream.confirm((position as PgPosition).endLsn);
      }, latch.fail);
      this.#publisher = publisher;
      const relations = new RelationTables(catalogClient, this.#deps.typeResolver(catalogClient), this.#deps.parseText, { node: node.name, database: source.database });
      const filter = linked ? new TwoWayFilter(publisher, linked, this.#log) : undefined;
      this.#filter = filter;
      const handle = this.#messageHandler(relations, new ChangeAssembler(node.name), filter ?? publisher, filter);
      this.#startHeartbeat(catalogClient, reader.heartbeatIntervalMs);
      await Promise.race([
        stream.run({
          onMessage: (message) => {
            if (this.#stopping) return;
            this.#current = handle(message);
            return this.#current;
          },
        }),
        latch.failed,
      ]);
      await this.#current.catch(() => undefined);
      if (this.#stopping) await publisher.flush();
    } finally {
      clearInterval(this.#heartbeat);
      await session?.close();
      await catalogClient.end().catch(() => undefined);
      this.#log.info({ position: this.#stored?.toString(), ...publisher?.stats }, 'postgres reader stopped');
    }
  }

  /** Finishes the source transaction in hand if it can, commits what is complete, and returns from run(). */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#stream?.stop();
  }

  #messageHandler(relations: RelationTables, assembler: ChangeAssembler, publisher: EventSink, filter: TwoWayFilter | undefined) {
    let tx: OpenTransaction | undefined;
    let skipping = false;
    const entryFor = (oid: number) => {
      const entry = relations.get(oid);
      if (!entry) throw new TandemError(ErrorCodes.PG_PROTOCOL, `change for relation ${oid} arrived before its Relation message`);
      return entry;
    };
    const inTx = () => {
      if (!tx) throw new TandemError(ErrorCodes.PG_PROTOCOL, 'row change outside a transaction');
      return tx;
    };
    return async (message: PgoutputMessage): Promise<void> => {
      switch (message.tag) {
        case 'begin':
          tx = openTransaction(message);
          skipping = this.#stored?.covers(message.finalLsn) ?? false;
          if (!skipping) await publisher.beginSourceTransaction();
          return;
        case 'origin': {
          inTx().origin = message.name;
          const origin = originOfPgOriginName(message.name);
          if (origin !== undefined) filter?.markApplied(origin);
          return;
        }
        case 'relation':
          await relations.define(message);
          return;
        case 'type':
        case 'message':
          return;
        case 'insert':
          if (!skipping) await publisher.publish(assembler.insert(inTx(), entryFor(message.relationOid), message.newTuple));
          return;
        case 'update':
          if (!skipping) await publisher.publish(assembler.update(inTx(), entryFor(message.relationOid), message.oldKind, message.oldTuple, message.newTuple));
          return;
        case 'delete':
          if (!skipping) await publisher.publish(assembler.delete(inTx(), entryFor(message.relationOid), message.oldKind, message.oldTuple));
          return;
        case 'truncate':
          if (!skipping) for (const oid of message.relationOids) await publisher.publish(assembler.truncate(inTx(), entryFor(oid)));
          return;
        case 'commit':
          tx = undefined;
          if (skipping) {
            skipping = false;
            return;
          }
          await publisher.endSourceTransaction(new PgPosition(message.endLsn));
          return;
      }
    };
  }

  /**
   * Debezium-style heartbeat: a tiny transactional logical message in the source's WAL. It flows
   * through the stream like any transaction, so the published position (and the slot) advance even
   * when the replicated tables are idle while the rest of the database writes WAL.
   */
  #startHeartbeat(client: pg.Client, intervalMs: number): void {
    this.#heartbeat = setInterval(() => {
      if (this.#stopping) return;
      client.query('SELECT pg_logical_emit_message(true, $1, $2)', [HEARTBEAT_MESSAGE_PREFIX, new Date().toISOString()]).catch((error: unknown) => {
        this.#log.warn({ err: error }, 'heartbeat write failed');
      });
    }, intervalMs);
    this.#heartbeat.unref();
  }
}
