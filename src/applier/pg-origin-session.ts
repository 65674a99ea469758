import type pg from 'pg';
import { ErrorCodes, TandemError } from '../errors.js';
import { pgOriginName } from './target-writer.js';

/** Other sessions may hold an origin name (instances of one link): try a few suffixed names. */
const MAX_INSTANCES = 16;

/**
 * The replication origin of an applier's PostgreSQL session. Every transaction the session commits
 * carries it in the WAL (pgoutput sends it as an Origin message), which is how the node's own reader
 * knows the transaction was applied, and from where. A name is active in one session at a time, so a
 * second instance of the same link takes "<name>#2", and so on.
 */
export class PgOriginSession {
  #active: string | undefined;

  constructor(
    private readonly client: () => pg.Client,
    private readonly linkFrom: string,
  ) {}

  /** The connection is new: it holds no origin. */
  reset(): void {
    this.#active = undefined;
  }

  /** Makes `origin`'s name the session's origin (outside a transaction). */
  async use(origin: string): Promise<void> {
    const base = pgOriginName(this.linkFrom, origin);
    if (this.#active !== undefined && (this.#active === base || this.#active.startsWith(`${base}#`))) return;
    const client = this.client();
    if (this.#active !== undefined) {
      await client.query('SELECT pg_replication_origin_session_reset()');
      this.#active = undefined;
    }
    for (let i = 1; i <= MAX_INSTANCES; i++) {
      const name = i === 1 ? base : `${base}#${i}`;
      try {
        await client.query('SELECT pg_replication_origin_create($1) WHERE pg_replication_origin_oid($1) IS NULL', [name]);
        await client.query('SELECT pg_replication_origin_session_setup($1)', [name]);
        this.#active = name;
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '55006' || code === '23505') continue; // active in another session / created concurrently
        if (code === '42501') {
          throw new TandemError(
            ErrorCodes.APPLY_TARGET_MISMATCH,
            `the applier's PostgreSQL role may not use replication origins (${(error as Error).message}); make it a superuser, or GRANT EXECUTE ON FUNCTION pg_replication_origin_create(text), pg_replication_origin_oid(text), pg_replication_origin_session_setup(text), pg_replication_origin_session_reset(), pg_replication_origin_xact_setup(pg_lsn, timestamptz) TO it`,
            { cause: error },
          );
        }
        throw error;
      }
    }
    throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `replication origins ${base} … ${base}#${MAX_INSTANCES} are all in use by other sessions; stop extra instances of link ${this.linkFrom}'s applier`, {
      canRetry: true,
    });
  }
}

/**
 * The first origin of an applied transaction, from its replication origin name (undefined: not an
 * applier's). "tandem:<link from>:<origin>[#n]" → origin.
 */
export function originOfPgOriginName(name: string | null): string | undefined {
  if (!name?.startsWith('tandem:')) return undefined;
  const parts = name.split(':');
  if (parts.length !== 3) return undefined;
  return parts[2]!.split('#')[0];
}
