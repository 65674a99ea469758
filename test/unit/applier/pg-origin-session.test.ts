import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { originOfPgOriginName, PgOriginSession } from '../../../src/applier/pg-origin-session.js';
import { pgOriginName } from '../../../src/applier/target-writer.js';
import { isTandemError } from '../../../src/errors.js';

describe('originOfPgOriginName', () => {
  it('reads the first origin of an applier\'s origin name', () => {
    expect(originOfPgOriginName('tandem:shop:inventory')).toBe('inventory');
    expect(originOfPgOriginName(pgOriginName('b', 'a'))).toBe('a');
    expect(originOfPgOriginName(pgOriginName('a', 'a'))).toBe('a');
  });

  it('drops the instance suffix', () => {
    expect(originOfPgOriginName('tandem:shop:inventory#2')).toBe('inventory');
    expect(originOfPgOriginName('tandem:shop:inventory#16')).toBe('inventory');
  });

  it('is undefined for names that are not an applier\'s, and for none', () => {
    expect(originOfPgOriginName(null)).toBeUndefined();
    expect(originOfPgOriginName('')).toBeUndefined();
    expect(originOfPgOriginName('pg_16384')).toBeUndefined();
    expect(originOfPgOriginName('other:shop:inventory')).toBeUndefined();
    expect(originOfPgOriginName('TANDEM:shop:inventory')).toBeUndefined();
    expect(originOfPgOriginName('tandem:shop')).toBeUndefined();
    expect(originOfPgOriginName('tandem:a:b:c')).toBeUndefined();
  });

  it('gives an empty origin for an empty last part (the reader then drops the transaction as applied)', () => {
    expect(originOfPgOriginName('tandem:shop:')).toBe('');
  });
});

/** A pg client that records queries and fails origin setup with the given codes, in turn. */
function fakeClient(setupFailures: string[]) {
  const queries: string[] = [];
  const client = {
    query: async (sql: string, params: unknown[] = []) => {
      queries.push(`${sql.replace(/\(.*$/, '')} ${params.join(',')}`.trim());
      if (sql.includes('session_setup')) {
        const code = setupFailures.shift();
        if (code) throw Object.assign(new Error(`failed ${code}`), { code });
      }
      return { rows: [] };
    },
  } as unknown as pg.Client;
  return { client, queries };
}

describe('PgOriginSession', () => {
  it('sets up the origin once, and keeps it for the same origin', async () => {
    const { client, queries } = fakeClient([]);
    const session = new PgOriginSession(() => client, 'shop');
    await session.use('shop');
    await session.use('shop');
    expect(queries).toEqual(['SELECT pg_replication_origin_create tandem:shop:shop', 'SELECT pg_replication_origin_session_setup tandem:shop:shop']);
  });

  it('takes a suffixed name when another session holds the name', async () => {
    const { client, queries } = fakeClient(['55006', '23505']);
    const session = new PgOriginSession(() => client, 'shop');
    await session.use('inv');
    expect(queries.filter((q) => q.includes('session_setup'))).toEqual([
      'SELECT pg_replication_origin_session_setup tandem:shop:inv',
      'SELECT pg_replication_origin_session_setup tandem:shop:inv#2',
      'SELECT pg_replication_origin_session_setup tandem:shop:inv#3',
    ]);
    const before = queries.length;
    await session.use('inv'); // "#3" is a name of origin inv: kept
    expect(queries).toHaveLength(before);
  });

  it('resets the session origin before switching to another origin, and sets it up again after reset()', async () => {
    const { client, queries } = fakeClient([]);
    const session = new PgOriginSession(() => client, 'shop');
    await session.use('a');
    await session.use('b');
    expect(queries.slice(2)).toEqual([
      'SELECT pg_replication_origin_session_reset',
      'SELECT pg_replication_origin_create tandem:shop:b',
      'SELECT pg_replication_origin_session_setup tandem:shop:b',
    ]);
    session.reset();
    await session.use('b');
    expect(queries.at(-1)).toBe('SELECT pg_replication_origin_session_setup tandem:shop:b');
    expect(queries.filter((q) => q.includes('session_reset'))).toHaveLength(1);
  });

  it('names the grants when the role may not use replication origins', async () => {
    const { client } = fakeClient(['42501']);
    const session = new PgOriginSession(() => client, 'shop');
    const error = await session.use('a').catch((e: unknown) => e);
    expect(isTandemError(error, 'TANDEM_APPLY_TARGET_MISMATCH') && !error.canRetry).toBe(true);
    expect((error as Error).message).toMatch(/GRANT EXECUTE ON FUNCTION pg_replication_origin_create/);
  });

  it('gives up, retryably, when every instance name is in use', async () => {
    const { client } = fakeClient(Array.from({ length: 16 }, () => '55006'));
    const session = new PgOriginSession(() => client, 'shop');
    const error = await session.use('a').catch((e: unknown) => e);
    expect(isTandemError(error, 'TANDEM_APPLY_TARGET_MISMATCH') && error.canRetry).toBe(true);
    expect((error as Error).message).toMatch(/tandem:shop:a … tandem:shop:a#16 are all in use/);
  });
});
