import { createConnection } from 'node:net';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before every attempt; when it returns a reason, waiting stops early (e.g. the process died). */
  giveUpWhen?: () => string | undefined;
}

export type WaitOutcome = { ready: true } | { ready: false; reason: string };

/** Polls `check` until it returns true, the timeout passes, or `giveUpWhen` names a reason to stop. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 500;
  for (;;) {
    const reason = options.giveUpWhen?.();
    if (reason !== undefined) return { ready: false, reason };
    if (await check()) return { ready: true };
    if (Date.now() >= deadline) {
      return { ready: false, reason: `not ready after ${Math.round(options.timeoutMs / 1000)}s` };
    }
    await sleep(interval);
  }
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = createConnection({ host, port });
    const finish = (open: boolean): void => {
      socket.destroy();
      resolveOpen(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
