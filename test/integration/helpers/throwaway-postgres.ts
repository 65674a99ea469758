import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../../../src/stack/tools.js';
import { asUser, lookupOsUser, runningAsRoot } from '../../../src/stack/os-user.js';

const run = promisify(execFile);

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Crashes the server (pg_ctl stop -m immediate), waits `downMs`, starts it again. */
  crashAndRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private, short-lived PostgreSQL with settings of the test's choosing (e.g. wal_level=replica, to
 * test what the reader says about a misconfigured server), or one a test may crash without disturbing
 * the tests that share the stack's server. Data lives in a temp dir, removed on stop().
 */
export async function startThrowawayPostgres(settings: Record<string, string> = {}): Promise<ThrowawayPostgres> {
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
  const start = () => asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stopNow = () => asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crashAndRestart: async (downMs) => {
      await stopNow();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    stop: async () => {
      await stopNow().catch(() => undefined);
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
