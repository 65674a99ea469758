import { isProcessStopped } from './processes.js';
import type { ServiceName } from './settings.js';

/** `paused`: the process is stopped by SIGSTOP. `unresponsive`: the process lives but refuses connections. */
export type ServiceState = 'running' | 'paused' | 'unresponsive' | 'stopped';

export interface ServiceStatus {
  name: ServiceName;
  state: ServiceState;
  /** Process id of the server (local backend); null when stopped or run by Docker. */
  pid: number | null;
  port: number;
  url: string;
}

/** What `stackUp` did with a service. */
export type StartOutcome = 'started' | 'reused';

/** One service of a backend. Local and Docker implementations share this shape. */
export interface StackService {
  readonly name: ServiceName;
  /** Starts the service unless it already answers; waits until it accepts connections. */
  ensureRunning(): Promise<StartOutcome>;
  /** Stops it cleanly; kills it after a timeout. A no-op when it is not running. */
  stop(): Promise<void>;
  status(): Promise<ServiceStatus>;
}

/**
 * The status of a locally run service from its pid (undefined: no live process of ours) and a real
 * client check, made only when the process runs and is not frozen by SIGSTOP.
 */
export async function localServiceStatus(
  identity: Pick<ServiceStatus, 'name' | 'port' | 'url'>,
  pid: number | undefined,
  answers: () => Promise<boolean>,
): Promise<ServiceStatus> {
  const status = (state: ServiceState): ServiceStatus => ({ ...identity, state, pid: pid ?? null });
  if (pid === undefined) return status('stopped');
  if (isProcessStopped(pid)) return status('paused');
  return status((await answers()) ? 'running' : 'unresponsive');
}
