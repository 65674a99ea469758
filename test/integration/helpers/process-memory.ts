import { readFile } from 'node:fs/promises';

/** Resident memory of a process from /proc: current (VmRSS) and peak (VmHWM), in MiB. */
export async function processMemory(pid: number): Promise<{ rssMiB: number; peakMiB: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
