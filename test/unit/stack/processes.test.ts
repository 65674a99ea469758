import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isOurProcess,
  isProcessAlive,
  isProcessStopped,
  readPidFile,
  runCommand,
  terminateProcess,
} from '../../../src/stack/processes.js';
import { withStackLock } from '../../../src/stack/stack-lock.js';

describe('pid files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pid-'));

  it('reads the first line (postmaster.pid has more lines)', async () => {
    writeFileSync(join(dir, 'postmaster.pid'), '4242\n/data\n1700000000\n');
    expect(await readPidFile(join(dir, 'postmaster.pid'))).toBe(4242);
  });

  it('is undefined for a missing or garbled file', async () => {
    expect(await readPidFile(join(dir, 'missing.pid'))).toBeUndefined();
    writeFileSync(join(dir, 'bad.pid'), 'not a pid\n');
    expect(await readPidFile(join(dir, 'bad.pid'))).toBeUndefined();
  });
});

describe('process checks', () => {
  it('recognizes a process by a marker in its command line', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid ?? 0;
    try {
      expect(isProcessAlive(pid)).toBe(true);
      expect(isOurProcess(pid, 'sleep')).toBe(true);
      expect(isOurProcess(pid, '/some/other/data/dir')).toBe(false);
      process.kill(pid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(isProcessStopped(pid)).toBe(true);
    } finally {
      await terminateProcess(pid, 5_000, () => undefined);
    }
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('runCommand reports exit code and output without throwing', async () => {
    const result = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('out');
    expect(result.output).toContain('err');
  });
});

describe('withStackLock', () => {
  it('runs one holder at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-lock-'));
    const events: string[] = [];
    const hold = (name: string) =>
      withStackLock(dir, () => undefined, async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(events).toHaveLength(6);
    for (let i = 0; i < events.length; i += 2) {
      const holder = events[i]?.split(' ')[0];
      expect([events[i], events[i + 1]]).toEqual([`${holder} in`, `${holder} out`]);
    }
  });

  it('takes over a lock whose holder is dead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-lock-'));
    writeFileSync(join(dir, 'stack.lock'), '999999999\n');
    expect(await withStackLock(dir, () => undefined, async () => 'ran')).toBe('ran');
  });
});
