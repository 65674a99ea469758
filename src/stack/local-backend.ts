import { ErrorCodes, TandemError } from '../errors.js';
import type { StackBackend } from './backend.js';
import { LocalKafka } from './kafka-service.js';
import { LocalMariadb } from './mariadb-service.js';
import { LocalPostgres } from './postgres-service.js';
import type { ServiceStatus, StackService, StartOutcome } from './service.js';
import { SERVICE_NAMES, type ProgressLog, type ServiceName, type StackSettings } from './settings.js';
import { withStackLock } from './stack-lock.js';

/** Runs the three servers as local processes whose state, logs and pid files live in the stack dir. */
export class LocalBackend implements StackBackend {
  readonly kind = 'local' as const;
  readonly #settings: StackSettings;
  readonly #log: ProgressLog;
  readonly #kafka: LocalKafka;
  readonly #services: Record<ServiceName, StackService>;

  constructor(settings: StackSettings, log: ProgressLog) {
    this.#settings = settings;
    this.#log = log;
    this.#kafka = new LocalKafka(settings, log);
    this.#services = {
      postgres: new LocalPostgres(settings, log),
      mariadb: new LocalMariadb(settings, log),
      kafka: this.#kafka,
    };
  }

  /** The three start in parallel: initdb, mariadb-install-db and the Maven fetch overlap on a cold start. */
  up(): Promise<Record<ServiceName, StartOutcome>> {
    return this.#locked(async () => {
      const results = await Promise.allSettled(SERVICE_NAMES.map((name) => this.#services[name].ensureRunning()));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      if (failures.length > 0) throw combineFailures(failures);
      const outcomes = results.map((result) => (result.status === 'fulfilled' ? result.value : 'started'));
      return Object.fromEntries(SERVICE_NAMES.map((name, index) => [name, outcomes[index]])) as Record<
        ServiceName,
        StartOutcome
      >;
    });
  }

  down(): Promise<void> {
    return this.#locked(async () => {
      const results = await Promise.allSettled(SERVICE_NAMES.map((name) => this.#services[name].stop()));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      if (failures.length > 0) throw combineFailures(failures);
    });
  }

  status(): Promise<ServiceStatus[]> {
    return Promise.all(SERVICE_NAMES.map((name) => this.#services[name].status()));
  }

  startService(name: ServiceName): Promise<StartOutcome> {
    return this.#locked(() => this.#services[name].ensureRunning());
  }

  stopService(name: ServiceName): Promise<void> {
    return this.#locked(() => this.#services[name].stop());
  }

  pauseKafka(): Promise<void> {
    return this.#kafka.pause();
  }

  resumeKafka(): Promise<void> {
    return this.#kafka.resume();
  }

  #locked<T>(action: () => Promise<T>): Promise<T> {
    return withStackLock(this.#settings.stackDir, this.#log, action);
  }
}

/**
 * One failure passes through as is; several become one error listing each message, keeping their code when they
 * share one (say, two tools missing) and STACK_START_FAILED otherwise.
 */
export function combineFailures(failures: unknown[]): unknown {
  if (failures.length === 1) return failures[0];
  const messages = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
  const codes = new Set(failures.map((failure) => (failure instanceof TandemError ? failure.code : undefined)));
  const [onlyCode] = codes;
  const code = codes.size === 1 && onlyCode !== undefined ? onlyCode : ErrorCodes.STACK_START_FAILED;
  return new TandemError(code, messages.join('\n\n'), { cause: failures[0] });
}
