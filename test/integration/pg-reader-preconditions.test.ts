import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { isTandemError } from '../../src/errors.js';
import { silentLogger } from '../../src/logging.js';
import { createPgReader } from '../../src/runtime/components.js';
import { PgReaderFixture, PROJECT_ROOT } from './helpers/reader-fixture.js';
import { getStack } from './helpers/stack.js';
import { startThrowawayPostgres } from './helpers/throwaway-postgres.js';

async function readerError(url: string, tables: string[]): Promise<unknown> {
  const config = validateConfig({
    kafka: { brokers: getStack().kafkaBrokers, topicPrefix: 'it.preconditions' },
    nodes: [{ name: 'pre', engine: 'postgres', connection: { url }, tables }],
  });
  try {
    await createPgReader(config.nodes[0]!, config, silentLogger()).run();
  } catch (error) {
    return error;
  }
  throw new Error('the reader was expected to refuse to start');
}

function tandem(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
}

describe('PostgreSQL reader: preconditions and bad configs', () => {
  let fixture: PgReaderFixture | undefined;
  afterEach(async () => {
    await fixture?.cleanup();
    fixture = undefined;
  });

  it('refuses a server without wal_level=logical, naming the setting and the fix', async () => {
    const server = await startThrowawayPostgres({ wal_level: 'replica' });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query('CREATE TABLE t (id int PRIMARY KEY)');
      await client.end();
      const error = await readerError(server.url, ['public.t']);
      expect(isTandemError(error, 'TANDEM_PG_PRECONDITION')).toBe(true);
      expect((error as Error).message).toMatch(/wal_level is "replica".*ALTER SYSTEM SET wal_level = logical.*restart/);
    } finally {
      await server.stop();
    }
  });

  it('refuses a table without a primary key or usable replica identity, and a missing table', async () => {
    fixture = await new PgReaderFixture().setup(['ok'], `CREATE TABLE ok (id int PRIMARY KEY); CREATE TABLE nopk (a int); CREATE TABLE nothing (id int PRIMARY KEY); ALTER TABLE nothing REPLICA IDENTITY NOTHING;`);
    const noPk = await readerError(fixture.pgUrl, [`${fixture.schema}.nopk`]);
    expect(isTandemError(noPk, 'TANDEM_PG_PRECONDITION')).toBe(true);
    expect((noPk as Error).message).toMatch(/no primary key.*REPLICA IDENTITY USING INDEX/);
    const nothing = await readerError(fixture.pgUrl, [`${fixture.schema}.nothing`]);
    expect((nothing as Error).message).toMatch(/REPLICA IDENTITY NOTHING/);
    const missing = await readerError(fixture.pgUrl, [`${fixture.schema}.absent`]);
    expect((missing as Error).message).toMatch(/does not exist.*remove it from the node's tables/);
  });

  it('stops a bad config at start with exit code 2 and a message naming the key and the fix', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tandem-cfg-'));
    const file = path.join(dir, 'tandem.yaml');
    await writeFile(file, `kafka:\n  brokers: ["127.0.0.1:19092"]\nnodes:\n  - name: Shop\n    engine: postgres\n    connection: { url: "postgres://x" }\n    tables: []\n`);
    const result = tandem(['run', '--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nodes.0.name');
    expect(result.stderr).toContain('"Shop"');
    expect(result.stderr).toContain('lower-case');
    expect(result.stderr).toContain('nodes.0.tables');
    const missing = tandem(['run', '--config', path.join(dir, 'absent.yaml')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read config file');
  });
});
