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
