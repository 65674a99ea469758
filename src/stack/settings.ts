import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, TandemError } from '../errors.js';

/** The three services of the local development stack. */
export type ServiceName = 'postgres' | 'mariadb' | 'kafka';
export const SERVICE_NAMES: readonly ServiceName[] = ['postgres', 'mariadb', 'kafka'];

/** The Kafka release the local backend runs (fetched from Maven Central). */
export const KAFKA_VERSION = '4.1.1';

/** Fixed credentials of the development stack. Not secrets: the stack only listens on 127.0.0.1. */
export const STACK_USER = 'tandem';
export const STACK_PASSWORD = 'tandem';
export const STACK_DATABASE = 'tandem';

export const DEFAULT_PORTS = {
  postgres: 54329,
  mariadb: 33069,
  kafka: 19092,
  kafkaController: 19093,
} as const;

export type ProgressLog = (message: string) => void;

/** Options every public stack function accepts. */
export interface StackOptions {
  /** Repository root; `.tandem/stack` lives under it. Defaults to the root of this checkout. */
  projectRoot?: string;
  /** Environment to read TANDEM_STACK_* settings from. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines (one line each). Defaults to writing to stderr. */
  log?: ProgressLog;
}

/** Everything the stack needs to know about where things live, resolved once from options and env. */
export interface StackSettings {
  projectRoot: string;
  stackDir: string;
  ports: { postgres: number; mariadb: number; kafka: number; kafkaController: number };
  /** Holds the Kafka jars, outside the repository so a `rm -rf .tandem` does not refetch them. */
  kafkaCacheDir: string;
}

/** The root of this checkout: src/stack/settings.ts sits two levels below it. */
export function defaultProjectRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

export function defaultProgressLog(message: string): void {
  process.stderr.write(`[tandem stack] ${message}\n`);
}

export function resolveStackSettings(options: StackOptions = {}): StackSettings {
  const env = options.env ?? process.env;
  const projectRoot = resolve(options.projectRoot ?? defaultProjectRoot());
  const stackDir = resolve(projectRoot, nonEmpty(env['TANDEM_STACK_DIR']) ?? join('.tandem', 'stack'));
  const cacheHome = nonEmpty(env['XDG_CACHE_HOME']) ?? join(nonEmpty(env['HOME']) ?? homedir(), '.cache');
  return {
    projectRoot,
    stackDir,
    ports: {
      postgres: portFromEnv(env, 'TANDEM_STACK_PG_PORT', DEFAULT_PORTS.postgres),
      mariadb: portFromEnv(env, 'TANDEM_STACK_MYSQL_PORT', DEFAULT_PORTS.mariadb),
      kafka: portFromEnv(env, 'TANDEM_STACK_KAFKA_PORT', DEFAULT_PORTS.kafka),
      kafkaController: portFromEnv(env, 'TANDEM_STACK_KAFKA_CONTROLLER_PORT', DEFAULT_PORTS.kafkaController),
    },
    kafkaCacheDir: join(cacheHome, 'tandem', `kafka-${KAFKA_VERSION}`),
  };
}

export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TandemError(ErrorCodes.CONFIG_INVALID, `${name}=${raw} is not a TCP port; use an integer from 1 to 65535.`);
  }
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
