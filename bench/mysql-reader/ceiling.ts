import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { machineBusySeconds, ProcessSampler } from '../pg-reader/proc-stats.js';

export interface MysqlCeilingRun {
  seconds: number;
  /** CPU seconds of mariadb-binlog itself (sampled every 50 ms). */
  clientCpuSeconds: number | undefined;
  machineBusyCpuSeconds: number | undefined;
}

/**
 * The ceiling: `mariadb-binlog --read-from-remote-server --raw` copies the same binlog range from the
 * server (the same COM_BINLOG_DUMP stream the reader gets) and exits at the end of the last binlog.
 * --raw writes each binlog file under a name prefix rather than to stdout, so the prefix is a fresh
 * directory in /dev/shm (memory, the closest thing to /dev/null), removed afterwards.
 */
export async function runMysqlCeiling(connection: { host: string; port: number; user: string; password: string }, startFile: string, startOffset: number): Promise<MysqlCeilingRun> {
  const dir = await mkdtemp(path.join('/dev/shm', 'tandem-binlog-'));
  const args = [
    '--read-from-remote-server',
    '--raw',
    `--host=${connection.host}`,
    `--port=${connection.port}`,
    `--user=${connection.user}`,
    `--password=${connection.password}`,
    `--start-position=${startOffset}`,
    '--to-last-log',
    `--result-file=${dir}/`,
    startFile,
  ];
  const machineBusyAtStart = machineBusySeconds();
  const started = process.hrtime.bigint();
  const child = spawn('mariadb-binlog', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const sampler = new ProcessSampler(child.pid!, 50);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exit = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const machineBusy = (machineBusySeconds() ?? NaN) - (machineBusyAtStart ?? NaN);
  sampler.stop();
  await rm(dir, { recursive: true, force: true });
  if (exit !== 0) throw new Error(`mariadb-binlog exited with ${exit}: ${stderr.trim()}`);
  return { seconds, clientCpuSeconds: sampler.cpuUsed, machineBusyCpuSeconds: Number.isNaN(machineBusy) ? undefined : machineBusy };
}
