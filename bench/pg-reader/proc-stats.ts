import { readFileSync } from 'node:fs';

/** Linux /proc readings of another process (undefined when it is gone or /proc is missing). */

/** user + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)" — comm may hold spaces, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak RSS) in bytes. */
export function memory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Samples a process every `intervalMs`: RSS (and the kernel's peak, VmHWM) and CPU time. The last
 * reading survives the process, so CPU time is known even when it exits by itself.
 */
export class ProcessSampler {
  readonly rssSamples: number[] = [];
  peakRss = 0;
  cpuAtStart: number | undefined;
  cpuLast: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly pid: number,
    intervalMs = 100,
  ) {
    this.cpuAtStart = cpuSeconds(pid);
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const mem = memory(this.pid);
    if (mem) {
      this.rssSamples.push(mem.rss);
      this.peakRss = Math.max(this.peakRss, mem.peak, mem.rss);
    }
    this.cpuLast = cpuSeconds(this.pid) ?? this.cpuLast;
  }

  /** Takes a last sample and stops. */
  stop(): void {
    this.sample();
    clearInterval(this.#timer);
  }

  get cpuUsed(): number | undefined {
    return this.cpuLast === undefined ? undefined : this.cpuLast - (this.cpuAtStart ?? 0);
  }

  get medianRss(): number {
    const sorted = [...this.rssSamples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  }
}

/** CPU seconds the whole machine has spent busy (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return undefined;
  }
}
