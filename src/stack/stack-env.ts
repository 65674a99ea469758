import { STACK_DATABASE, STACK_PASSWORD, STACK_USER, type StackSettings } from './settings.js';

/** How clients reach the stack. The same shape whichever backend runs it. */
export interface StackEnv {
  pgUrl: string;
  mysqlUrl: string;
  kafkaBrokers: string[];
}

export const STACK_ENV_VARS = {
  pgUrl: 'TANDEM_PG_URL',
  mysqlUrl: 'TANDEM_MYSQL_URL',
  kafkaBrokers: 'TANDEM_KAFKA_BROKERS',
} as const;

const HOST = '127.0.0.1';

export function stackEnvFor(settings: StackSettings): StackEnv {
  const credentials = `${STACK_USER}:${STACK_PASSWORD}`;
  return {
    pgUrl: `postgres://${credentials}@${HOST}:${settings.ports.postgres}/${STACK_DATABASE}`,
    mysqlUrl: `mysql://${credentials}@${HOST}:${settings.ports.mariadb}/${STACK_DATABASE}`,
    kafkaBrokers: [`${HOST}:${settings.ports.kafka}`],
  };
}

/** `export TANDEM_PG_URL=… TANDEM_MYSQL_URL=… TANDEM_KAFKA_BROKERS=…`, ready for `eval "$(tandem stack env)"`. */
export function renderEnvLine(env: StackEnv): string {
  const assignments = [
    `${STACK_ENV_VARS.pgUrl}=${shellWord(env.pgUrl)}`,
    `${STACK_ENV_VARS.mysqlUrl}=${shellWord(env.mysqlUrl)}`,
    `${STACK_ENV_VARS.kafkaBrokers}=${shellWord(env.kafkaBrokers.join(','))}`,
  ];
  return `export ${assignments.join(' ')}`;
}

/** Reads a stack from TANDEM_PG_URL / TANDEM_MYSQL_URL / TANDEM_KAFKA_BROKERS; undefined unless all three are set. */
export function stackEnvFromVariables(variables: NodeJS.ProcessEnv): StackEnv | undefined {
  const pgUrl = variables[STACK_ENV_VARS.pgUrl]?.trim();
  const mysqlUrl = variables[STACK_ENV_VARS.mysqlUrl]?.trim();
  const brokers = variables[STACK_ENV_VARS.kafkaBrokers]?.trim();
  if (!pgUrl || !mysqlUrl || !brokers) return undefined;
  const kafkaBrokers = brokers
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (kafkaBrokers.length === 0) return undefined;
  return { pgUrl, mysqlUrl, kafkaBrokers };
}

/** Quotes a value for POSIX sh only when it holds characters the shell would interpret. */
export function shellWord(value: string): string {
  const safe = /^[A-Za-z0-9_@%+=:,./-]+$/;
  if (safe.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
