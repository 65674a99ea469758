import type { ClientConfig } from 'pg';
import { LogicalReplicationService } from 'pg-logical-replication';
import { ErrorCodes, TandemError } from '../errors.js';
import { decodePgoutput } from './pgoutput/decoder.js';
import { formatLsn, type Lsn } from './pgoutput/lsn.js';
import type { PgoutputMessage } from './pgoutput/messages.js';

/** What the stream delivers, strictly in WAL order, one at a time (the next waits for the previous). */
export interface ReplicationHandler {
  onMessage(message: PgoutputMessage): Promise<void> | void;
}

export interface ReplicationStreamOptions {
  connection: ClientConfig;
  slot: string;
  publication: string;
  /** Where to resume; the server starts from the slot's confirmed position if that is later. */
  startLsn: Lsn;
  /** How often to tell the server our durable position even when it does not ask. */
  statusIntervalMs?: number;
}

type ReplicationPlugin = Parameters<LogicalReplicationService['subscribe']>[0];

/** A parse failure travels through the library's queue as a message, so it stops us in WAL order. */
interface UndecodableMessage { tag: 'undecodable'; error: unknown }

/**
 * pgoutput over pg-logical-replication, with acknowledgement and keepalive replies in our hands:
 * the library's own acknowledgement (which confirms every received position, processed or not — its
 * issue #22) is switched off; we only ever report `durableLsn`, the end of the last transaction that
 * Kafka holds. Flow control is on: the socket is paused while the handler works, so a slow Kafka slows
 * the WAL stream instead of filling memory.
 */
export class ReplicationStream {
  readonly #options: ReplicationStreamOptions;
  readonly #service: LogicalReplicationService;
  #durableLsn: Lsn;
  #failure: unknown;
  #statusTimer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(options: ReplicationStreamOptions) {
    this.#options = options;
    this.#durableLsn = options.startLsn;
    this.#service = new LogicalReplicationService(
      { ...options.connection, replication: 'database' } as ClientConfig,
      { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
    );
  }

  get durableLsn(): Lsn {
    return this.#durableLsn;
  }

  /** Records that everything up to `lsn` is durable downstream, and tells the server. */
  async confirm(lsn: Lsn): Promise<void> {
    if (lsn <= this.#durableLsn) return;
    this.#durableLsn = lsn;
    await this.#sendStatus();
  }

  /** Streams until stop() (resolves) or a failure (rejects). */
  async run(handler: ReplicationHandler): Promise<void> {
    const failed = new Promise<never>((_, reject) => {
      this.#fail = (error: unknown) => {
        if (this.#failure !== undefined) return;
        this.#failure = error;
        reject(error);
      };
    });
    failed.catch(() => undefined);
    this.#service.on('data', async (_lsn: string, message: PgoutputMessage | UndecodableMessage) => {
      if (this.#failure !== undefined || this.#stopping) return;
      try {
        if (message.tag === 'undecodable') throw message.error;
        await handler.onMessage(message);
      } catch (error) {
        this.#fail(error);
      }
    });
    this.#service.on('heartbeat', (_lsn: string, _timestamp: number, shouldRespond: boolean) => {
      if (shouldRespond) void this.#sendStatus();
    });
    this.#service.on('error', (error: Error) => {
      if (!this.#stopping) this.#fail(new TandemError(ErrorCodes.PG_CONNECTION, `PostgreSQL replication connection failed: ${error.message}`, { cause: error, canRetry: true }));
    });
    this.#statusTimer = setInterval(() => void this.#sendStatus(), this.#options.statusIntervalMs ?? 10_000);
    this.#statusTimer.unref();
    const plugin = this.#plugin();
    const subscribed = this.#service.subscribe(plugin, this.#options.slot, formatLsn(this.#options.startLsn)).then(
      () => {
        if (!this.#stopping) this.#fail(new TandemError(ErrorCodes.PG_CONNECTION, 'PostgreSQL ended the replication stream', { canRetry: true }));
      },
      (error: unknown) => {
        if (!this.#stopping) this.#fail(classifyStartError(error, this.#options.slot));
      },
    );
    const stopped = new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
    });
    try {
      await Promise.race([failed, stopped]);
    } finally {
      clearInterval(this.#statusTimer);
      await this.#service.stop().catch(() => undefined);
      await subscribed;
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#resolveStopped();
  }

  #fail: (error: unknown) => void = () => undefined;
  #resolveStopped: () => void = () => undefined;

  async #sendStatus(): Promise<void> {
    // The library writes "lsn + 1" into the standby status update; hand it durable - 1 so the
    // server is told exactly the durable position.
    if (this.#durableLsn === 0n || this.#service.isStop()) return;
    await this.#service.acknowledge(formatLsn(this.#durableLsn - 1n)).catch(() => undefined);
  }

  #plugin(): ReplicationPlugin {
    const { publication } = this.#options;
    const plugin = {
      name: 'pgoutput',
      options: {},
      parse(buffer: Buffer): PgoutputMessage | UndecodableMessage {
        try {
          return decodePgoutput(buffer);
        } catch (error) {
          return { tag: 'undecodable', error };
        }
      },
      start(client: { query(sql: string): Promise<unknown> }, slot: string, lastLsn: string) {
        const publicationLiteral = `'${publication.replaceAll("'", "''")}'`;
        return client.query(
          `START_REPLICATION SLOT ${quoteIdent(slot)} LOGICAL ${lastLsn} (proto_version '1', publication_names ${publicationLiteral}, messages 'true')`,
        );
      },
    };
    return plugin as unknown as ReplicationPlugin;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQLSTATE of PostgreSQL errors we explain: 55006 object_in_use (slot active elsewhere), 42704 undefined_object. */
function classifyStartError(error: unknown, slot: string): TandemError {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  if (code === '55006') {
    return new TandemError(ErrorCodes.PG_CONNECTION, `replication slot ${slot} is in use by another process (${message}); stop the other reader of this node first`, { cause: error, canRetry: true });
  }
  if (code === '42704') {
    return new TandemError(ErrorCodes.PG_PRECONDITION, `replication slot ${slot} does not exist (${message}); it is created at start, so it was dropped while running`, { cause: error });
  }
  return new TandemError(ErrorCodes.PG_CONNECTION, `START_REPLICATION failed: ${message}`, { cause: error, canRetry: true });
}
