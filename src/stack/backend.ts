import type { ServiceStatus, StartOutcome } from './service.js';
import type { ServiceName } from './settings.js';

export type BackendKind = 'local' | 'docker';

/** One way of running the stack: local processes, or Docker Compose. */
export interface StackBackend {
  readonly kind: BackendKind;
  /** Starts whatever is not running and waits until all three accept connections. */
  up(): Promise<Record<ServiceName, StartOutcome>>;
  down(): Promise<void>;
  status(): Promise<ServiceStatus[]>;
  startService(name: ServiceName): Promise<StartOutcome>;
  stopService(name: ServiceName): Promise<void>;
  pauseKafka(): Promise<void>;
  resumeKafka(): Promise<void>;
}
