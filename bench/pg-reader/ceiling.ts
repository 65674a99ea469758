import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REPLICATION_SESSION_OPTIONS } from '../../src/postgres/session-settings.js';
import type { BenchFixture } from './fixture.js';
import { machineBusySeconds, ProcessSampler } from './proc-stats.js';

const CANDIDATES = ['/usr/lib/postgresql/15/bin/pg_recvlogical', '/usr/bin/pg_recvlogical'];

export function findPgRecvlogical(): string {
  const found = [process.env.PG_RECVLOGICAL, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error(`pg_recvlogical not found (looked at ${CANDIDATES.join(', ')}); install the PostgreSQL client or set PG_RECVLOGICAL`);
  return found;
}

export interface CeilingRun {
  seconds: number;
  /** CPU seconds of the walsender that decoded for pg_recvlogical (the server-side share of the work). */
  walsenderCpuSeconds: number | undefined;
  /** CPU seconds of pg_recvlogical itself (sampled every 50 ms, so the last few ms before it exits are missed). */
  pgRecvlogicalCpuSeconds: number | undefined;
  /** CPU seconds the whole machine used during the run (all processes, all cores). */
  machineBusyCpuSeconds: number | undefined;
}

/**
 * The ceiling: pg_recvlogical streams the same changes from the second slot (same plugin, protocol,
 * publication and session settings as the Tandem reader) to /dev/null, and exits at `endLsn`.
 */
export async function runCeiling(fixture: BenchFixture, endLsn: string): Promise<CeilingRun> {
  const binary = findPgRecvlogical();
  const args = [
    '-d', fixture.pgUrl,
    '--slot', fixture.ceilingSlot,
    '--start',
    '--plugin', 'pgoutput',
    '-o', 'proto_version=1',
    '-o', `publication_names=${fixture.publication}`,
    '-o', 'messages=true',
    '-f', '/dev/null',
    '--endpos', endLsn,
    '--no-loop',
  ];
  const machineBusyAtStart = machineBusySeconds();
  const started = process.hrtime.bigint();
  // PGOPTIONS: the same walsender session settings Tandem uses, so the server formats values alike.
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PGOPTIONS: REPLICATION_SESSION_OPTIONS } });
  const self = new ProcessSampler(child.pid!, 50);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let walsender: ProcessSampler | undefined;
  const findWalsender = setInterval(() => {
    if (walsender) return;
    fixture.walsenderPid(fixture.ceilingSlot).then(
      (pid) => {
        if (pid && !walsender) walsender = new ProcessSampler(pid, 100);
      },
      () => undefined,
    );
  }, 20);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const machineBusy = (machineBusySeconds() ?? NaN) - (machineBusyAtStart ?? NaN);
  clearInterval(findWalsender);
  walsender?.stop();
  self.stop();
  if (exit.code !== 0) throw new Error(`pg_recvlogical exited with ${exit.code ?? exit.signal}: ${stderr.trim()}`);
  return { seconds, walsenderCpuSeconds: walsender?.cpuUsed, pgRecvlogicalCpuSeconds: self.cpuUsed, machineBusyCpuSeconds: Number.isNaN(machineBusy) ? undefined : machineBusy };
}
