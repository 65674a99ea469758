import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../../../src/stack/tools.js';
import { asUser, lookupOsUser, runningAsRoot } from '../../../src/stack/os-user.js';

const run = promisify(execFile);

/**
 * A short-lived PostgreSQL with settings of the test's choosing (e.g. wal_level=replica), for tests
 * of what the reader says about a misconfigured server. Data lives in a temp dir, removed on stop().
 */
export async function startThrowawayPostgres(settings: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tandem-pg-'));
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const bin = path.dirname(requireTool('pgCtl'));
  const asPostgres = async (command: string, args: string[]) => {
    if (!runningAsRoot()) return run(command, args);
    const user = await lookupOsUser('postgres', 'postgresql-15');
    await chown(dir, user.uid, user.gid);
    const [cmd, cmdArgs] = asUser(user, command, args);
    return run(cmd, cmdArgs);
  };
  await asPostgres(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--auth=trust']);
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  await asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
