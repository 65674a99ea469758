import { open } from 'node:fs/promises';

/** The last `lines` lines of a log file ('' when it does not exist), read from its end only. */
export async function readLogTail(file: string, lines = 25, maxBytes = 16 * 1024): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return lastLines(buffer.toString('utf8'), lines);
  } finally {
    await handle.close();
  }
}

export function lastLines(text: string, lines: number): string {
  const all = text.replace(/\n+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/** A failure message followed by the tail of each log that has something in it. */
export async function withLogTails(message: string, logFiles: string[]): Promise<string> {
  const parts = [message];
  for (const file of logFiles) {
    const tail = await readLogTail(file);
    if (tail !== '') parts.push(`--- last lines of ${file} ---\n${tail}`);
  }
  return parts.join('\n');
}
