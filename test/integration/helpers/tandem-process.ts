import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');

export type TandemChild = ChildProcess & { stderrTail: () => string };

/** Runs `tandem run --config <file> [more args]` as a child process (for kill -9 tests), keeping its stderr tail. */
export function spawnTandemRun(configFile: string, env: Record<string, string> = {}, args: string[] = []): TandemChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', configFile, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TANDEM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  }) as TandemChild;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  child.stderrTail = () => stderr;
  return child;
}

export async function waitForExit(child: ChildProcess, timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}
