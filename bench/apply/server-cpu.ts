import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from '../pg-reader/proc-stats.js';
import type { BenchDatabase } from './endpoints.js';

/**
 * CPU time a database server spent during a measurement, from /proc (the stack's local backend runs
 * the servers on this machine; with another backend the readings are left out). PostgreSQL: the
 * postmaster and its children (one process per connection); MariaDB: the threads of mariadbd (one per
 * connection). The busiest child / thread is reported on its own: during an applier run that is the
 * applier's session (nothing else writes the target), the rest is background work (WAL writer,
 * checkpointer, InnoDB's threads) and other sessions — other benchmarks' or tests' on a shared server.
 */
export interface ServerCpu {
  /** CPU seconds of the whole server (all processes / threads). */
  serverSeconds: number;
  /** CPU seconds of the busiest one (the applier's session). */
  busiestSessionSeconds: number;
}

/** Reads a /proc/<pid>/task/<tid>/stat (or /proc/<pid>/stat) as user+system seconds. */
function taskSeconds(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The server's pid, found from a connection of `db` (undefined when /proc does not show it). */
export async function serverPid(db: BenchDatabase): Promise<number | undefined> {
  try {
    if (db.engine === 'postgres') {
      const backend = Number((await db.query('SELECT pg_backend_pid() AS pid'))[0]?.pid);
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${backend}/status`, 'utf8'))?.[1];
      return ppid ? Number(ppid) : undefined;
    }
    const file = String((await db.query('SELECT @@pid_file AS f'))[0]?.f ?? '');
    const pid = Number(readFileSync(file, 'utf8').trim());
    return cpuSeconds(pid) === undefined ? undefined : pid;
  } catch {
    return undefined;
  }
}

/** Samples every `intervalMs`; a process or thread seen for the first time is counted from zero if it started after `start`. */
export class ServerCpuSampler {
  readonly #first = new Map<string, number>();
  readonly #last = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly engine: 'postgres' | 'mysql',
    readonly pid: number,
    intervalMs = 200,
  ) {
    this.#sample(true);
    this.#timer = setInterval(() => this.#sample(false), intervalMs);
  }

  #sample(initial: boolean): void {
    for (const [id, seconds] of this.#read()) {
      if (!this.#first.has(id)) this.#first.set(id, initial ? seconds : 0);
      this.#last.set(id, seconds);
    }
  }

  #read(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    try {
      if (this.engine === 'mysql') {
        for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
          const s = taskSeconds(`/proc/${this.pid}/task/${tid}/stat`);
          if (s !== undefined) out.push([tid, s]);
        }
      } else {
        const own = taskSeconds(`/proc/${this.pid}/stat`);
        if (own !== undefined) out.push([String(this.pid), own]);
        for (const child of readFileSync(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
          const s = taskSeconds(`/proc/${child}/stat`);
          if (s !== undefined) out.push([child, s]);
        }
      }
    } catch {
      // the server is gone or /proc is not readable: keep what was read
    }
    return out;
  }

  /** Takes a last sample, stops and returns the CPU used since the start. */
  stop(): ServerCpu {
    this.#sample(false);
    clearInterval(this.#timer);
    let total = 0;
    let busiest = 0;
    for (const [id, last] of this.#last) {
      const used = Math.max(0, last - (this.#first.get(id) ?? 0));
      total += used;
      busiest = Math.max(busiest, used);
    }
    return { serverSeconds: Math.round(total * 100) / 100, busiestSessionSeconds: Math.round(busiest * 100) / 100 };
  }
}
