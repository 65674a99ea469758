import { join } from 'node:path';
import { ErrorCodes, TandemError } from '../errors.js';
import type { StackBackend } from './backend.js';
import { COMPOSE_PROJECT, COMPOSE_SERVICE, containerStateToServiceState, parseComposePs } from './compose-status.js';
import { runCommand, type CommandResult } from './processes.js';
import { kafkaAnswers, mysqlAnswers, postgresAnswers } from './readiness.js';
import type { ServiceStatus, StartOutcome } from './service.js';
import { SERVICE_NAMES, type ProgressLog, type ServiceName, type StackSettings } from './settings.js';
import { stackEnvFor, type StackEnv } from './stack-env.js';
import { findTool, requireTool } from './tools.js';
import { waitUntil } from './waiting.js';

const COMPOSE_TIMEOUT_MS = 15 * 60_000;

/** Runs the stack with Docker Compose from docker/compose.yaml (postgres:17, mysql:8.4, apache/kafka:4.1.1). */
export class DockerBackend implements StackBackend {
  readonly kind = 'docker' as const;
  readonly #settings: StackSettings;
  readonly #log: ProgressLog;
  readonly #env: StackEnv;
  #composeInvocation: [string, string[]] | undefined;

  constructor(settings: StackSettings, log: ProgressLog) {
    this.#settings = settings;
    this.#log = log;
    this.#env = stackEnvFor(settings);
  }

  async up(): Promise<Record<ServiceName, StartOutcome>> {
    const before = await this.#containerStates();
    this.#log('starting the stack with docker compose (first run pulls images)');
    await this.#composeOrThrow(['up', '--detach', '--wait']);
    const outcomes = {} as Record<ServiceName, StartOutcome>;
    for (const name of SERVICE_NAMES) {
      await this.#waitAnswering(name);
      outcomes[name] = before.get(COMPOSE_SERVICE[name]) === 'running' ? 'reused' : 'started';
    }
    return outcomes;
  }

  async down(): Promise<void> {
    this.#log('stopping the docker compose stack (volumes are kept)');
    await this.#composeOrThrow(['down']);
  }

  async status(): Promise<ServiceStatus[]> {
    const states = await this.#containerStates();
    return Promise.all(
      SERVICE_NAMES.map(async (name) => {
        const containerState = states.get(COMPOSE_SERVICE[name]);
        const answers = containerState === 'running' && (await this.#answers(name));
        return {
          name,
          state: containerStateToServiceState(containerState, answers),
          pid: null,
          port: this.#port(name),
          url: this.#url(name),
        };
      }),
    );
  }

  async startService(name: ServiceName): Promise<StartOutcome> {
    const wasRunning = (await this.#containerStates()).get(COMPOSE_SERVICE[name]) === 'running';
    await this.#composeOrThrow(['up', '--detach', '--wait', COMPOSE_SERVICE[name]]);
    await this.#waitAnswering(name);
    return wasRunning ? 'reused' : 'started';
  }

  async stopService(name: ServiceName): Promise<void> {
    await this.#composeOrThrow(['stop', COMPOSE_SERVICE[name]]);
  }

  async pauseKafka(): Promise<void> {
    await this.#composeOrThrow(['pause', COMPOSE_SERVICE.kafka]);
  }

  async resumeKafka(): Promise<void> {
    await this.#composeOrThrow(['unpause', COMPOSE_SERVICE.kafka]);
  }

  async #containerStates(): Promise<Map<string, string>> {
    const result = await this.#composeOrThrow(['ps', '--all', '--format', 'json']);
    return parseComposePs(result.output);
  }

  async #waitAnswering(name: ServiceName): Promise<void> {
    const outcome = await waitUntil(() => this.#answers(name), { timeoutMs: 120_000, intervalMs: 1000 });
    if (outcome.ready) return;
    const logs = await this.#compose(['logs', '--tail', '30', COMPOSE_SERVICE[name]]);
    throw new TandemError(
      ErrorCodes.STACK_START_FAILED,
      `${name} (docker compose service ${COMPOSE_SERVICE[name]}) does not accept connections: ${outcome.reason}.\n` +
        `--- docker compose logs ---\n${logs.output.trim()}`,
    );
  }

  #answers(name: ServiceName): Promise<boolean> {
    switch (name) {
      case 'postgres':
        return postgresAnswers({ url: this.#env.pgUrl });
      case 'mariadb':
        return mysqlAnswers({ url: this.#env.mysqlUrl });
      case 'kafka':
        return kafkaAnswers(this.#env.kafkaBrokers);
    }
  }

  #port(name: ServiceName): number {
    return name === 'mariadb' ? this.#settings.ports.mariadb : this.#settings.ports[name];
  }

  #url(name: ServiceName): string {
    if (name === 'postgres') return this.#env.pgUrl;
    if (name === 'mariadb') return this.#env.mysqlUrl;
    return `kafka://${this.#env.kafkaBrokers.join(',')}`;
  }

  async #composeOrThrow(args: string[]): Promise<CommandResult> {
    const result = await this.#compose(args);
    if (result.exitCode === 0) return result;
    throw new TandemError(
      ErrorCodes.STACK_START_FAILED,
      `docker compose ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.output.trim()}`,
    );
  }

  async #compose(args: string[]): Promise<CommandResult> {
    const [command, prefix] = await this.#composeCommand();
    const file = join(this.#settings.projectRoot, 'docker', 'compose.yaml');
    const { postgres, mariadb, kafka, kafkaController } = this.#settings.ports;
    return runCommand(command, [...prefix, '--file', file, '--project-name', COMPOSE_PROJECT, ...args], {
      cwd: this.#settings.projectRoot,
      timeoutMs: COMPOSE_TIMEOUT_MS,
      env: {
        ...process.env,
        TANDEM_STACK_PG_PORT: String(postgres),
        TANDEM_STACK_MYSQL_PORT: String(mariadb),
        TANDEM_STACK_KAFKA_PORT: String(kafka),
        TANDEM_STACK_KAFKA_CONTROLLER_PORT: String(kafkaController),
      },
    });
  }

  /** `docker compose` (the v2 plugin), else a standalone `docker-compose` binary. */
  async #composeCommand(): Promise<[string, string[]]> {
    if (this.#composeInvocation !== undefined) return this.#composeInvocation;
    const docker = requireTool('docker');
    if ((await runCommand(docker, ['compose', 'version'])).exitCode === 0) {
      this.#composeInvocation = [docker, ['compose']];
      return this.#composeInvocation;
    }
    const standalone = findTool({ name: 'docker-compose', knownPaths: [], debianPackage: 'docker-compose' });
    if (standalone === undefined) {
      throw new TandemError(
        ErrorCodes.STACK_TOOL_MISSING,
        'Docker Compose not found: neither `docker compose` nor `docker-compose` works. ' +
          'Install it: apt-get install docker-compose-plugin (Docker repository) or docker-compose (Debian).',
      );
    }
    this.#composeInvocation = [standalone, []];
    return this.#composeInvocation;
  }
}
