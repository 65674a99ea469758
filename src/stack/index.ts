/**
 * The development stack: PostgreSQL, a MySQL-family server and Kafka on 127.0.0.1, run either as local
 * processes (no Docker needed) or with Docker Compose. See docs/stack.md.
 */
import type { BackendKind, StackBackend } from './backend.js';
import { BACKEND_ENV_VAR, chooseBackend, dockerEngineAnswers, parseBackendSetting } from './backend-choice.js';
import { DockerBackend } from './docker-backend.js';
import { LocalBackend } from './local-backend.js';
import type { ServiceStatus, StartOutcome } from './service.js';
import { defaultProgressLog, resolveStackSettings, type ServiceName, type StackOptions } from './settings.js';
import { stackEnvFor, type StackEnv } from './stack-env.js';

export type { BackendKind } from './backend.js';
export type { ServiceState, ServiceStatus, StartOutcome } from './service.js';
export { SERVICE_NAMES, type ServiceName, type StackOptions } from './settings.js';
export { renderEnvLine, stackEnvFromVariables, STACK_ENV_VARS, type StackEnv } from './stack-env.js';
export { renderStatusTable } from './status-table.js';

export interface StackUpResult {
  backend: BackendKind;
  env: StackEnv;
  /** Per service: `started` by this call, or `reused` because it already answered. */
  services: Record<ServiceName, StartOutcome>;
}

export interface StackStatus {
  backend: BackendKind;
  services: ServiceStatus[];
}

/** Starts what is not running (restarting what died) and waits until all three accept connections. Idempotent. */
export async function stackUp(options: StackOptions = {}): Promise<StackUpResult> {
  const { backend, settings } = await openBackend(options);
  const services = await backend.up();
  return { backend: backend.kind, env: stackEnvFor(settings), services };
}

/** Stops all three cleanly (each is killed if it does not stop within a minute). Data is kept. */
export async function stackDown(options: StackOptions = {}): Promise<void> {
  const { backend } = await openBackend(options);
  await backend.down();
}

export async function stackStatus(options: StackOptions = {}): Promise<StackStatus> {
  const { backend } = await openBackend(options);
  return { backend: backend.kind, services: await backend.status() };
}

/** Connection settings of the stack (the same for both backends); does not check that it runs. */
export function stackEnv(options: StackOptions = {}): StackEnv {
  return stackEnvFor(resolveStackSettings(options));
}

export async function startService(name: ServiceName, options: StackOptions = {}): Promise<StartOutcome> {
  const { backend } = await openBackend(options);
  return backend.startService(name);
}

export async function stopService(name: ServiceName, options: StackOptions = {}): Promise<void> {
  const { backend } = await openBackend(options);
  await backend.stopService(name);
}

/** Stops the service and starts it again, waiting until it accepts connections. */
export async function restartService(name: ServiceName, options: StackOptions = {}): Promise<void> {
  const { backend } = await openBackend(options);
  await backend.stopService(name);
  await backend.startService(name);
}

/** Freezes the Kafka broker (SIGSTOP locally, `docker compose pause` with Docker): it keeps its sockets but answers nothing. */
export async function pauseKafka(options: StackOptions = {}): Promise<void> {
  const { backend } = await openBackend(options);
  await backend.pauseKafka();
}

export async function resumeKafka(options: StackOptions = {}): Promise<void> {
  const { backend } = await openBackend(options);
  await backend.resumeKafka();
}

async function openBackend(options: StackOptions) {
  const settings = resolveStackSettings(options);
  const log = options.log ?? defaultProgressLog;
  const setting = parseBackendSetting((options.env ?? process.env)[BACKEND_ENV_VAR]);
  const kind = chooseBackend(setting, setting === 'local' ? false : await dockerEngineAnswers());
  const backend: StackBackend = kind === 'docker' ? new DockerBackend(settings, log) : new LocalBackend(settings, log);
  return { backend, settings };
}
