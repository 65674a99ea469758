import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { ErrorCodes, TandemError } from '../errors.js';
import {
  kafkaJavaArgs,
  kafkaPaths,
  newKafkaClusterId,
  renderKafkaServerProperties,
  renderLog4jProperties,
  storageFormatArgs,
  type KafkaPaths,
} from './kafka-config.js';
import { ensureKafkaLibs } from './kafka-fetch.js';
import { withLogTails } from './log-tail.js';
import { assertPortFree } from './port-guard.js';
import {
  isOurProcess,
  isProcessAlive,
  isProcessStopped,
  readPidFile,
  removeFile,
  runCommand,
  sendSignal,
  spawnDetached,
  terminateProcess,
  writePidFile,
} from './processes.js';
import { kafkaAnswers } from './readiness.js';
import { localServiceStatus, type ServiceStatus, type StackService, type StartOutcome } from './service.js';
import type { ProgressLog, StackSettings } from './settings.js';
import { stackEnvFor } from './stack-env.js';
import { requireTool } from './tools.js';
import { waitUntil } from './waiting.js';

const STOP_GRACE_MS = 60_000;
const START_TIMEOUT_MS = 180_000;

/** Apache Kafka in KRaft mode (one broker+controller JVM), jars fetched from Maven Central into a user cache. */
export class LocalKafka implements StackService {
  readonly name = 'kafka' as const;
  readonly paths: KafkaPaths;
  readonly #settings: StackSettings;
  readonly #log: ProgressLog;

  constructor(settings: StackSettings, log: ProgressLog) {
    this.#settings = settings;
    this.#log = log;
    this.paths = kafkaPaths(settings.stackDir);
  }

  get #brokers(): string[] {
    return stackEnvFor(this.#settings).kafkaBrokers;
  }

  async ensureRunning(): Promise<StartOutcome> {
    const running = await this.#runningPid();
    if (running !== undefined) {
      if (isProcessStopped(running)) {
        this.#log(`kafka (pid ${running}) was paused; resuming it`);
        sendSignal(running, 'SIGCONT');
      }
      if ((await waitUntil(() => kafkaAnswers(this.#brokers), { timeoutMs: 30_000 })).ready) return 'reused';
      this.#log(`kafka (pid ${running}) runs but does not answer; restarting it`);
      await this.stop();
    }
    await assertPortFree(this.#settings.ports.kafka, 'Kafka', 'TANDEM_STACK_KAFKA_PORT');
    await assertPortFree(this.#settings.ports.kafkaController, 'the Kafka controller', 'TANDEM_STACK_KAFKA_CONTROLLER_PORT');
    const java = requireTool('java');
    await mkdir(this.paths.dir, { recursive: true });
    const libsDir = await ensureKafkaLibs(this.#settings.kafkaCacheDir, this.paths.fetchLog, this.#log);
    await this.#writeConfig();
    await this.#formatIfNeeded(java, libsDir);

    this.#log(`starting Kafka on 127.0.0.1:${this.#settings.ports.kafka} (controller ${this.#settings.ports.kafkaController})`);
    const pid = await spawnDetached({
      command: java,
      args: kafkaJavaArgs(libsDir, this.paths),
      cwd: this.paths.dir,
      logFile: this.paths.consoleLog,
    });
    await writePidFile(this.paths.pidFile, pid);
    const ready = await waitUntil(() => kafkaAnswers(this.#brokers), {
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: 1000,
      giveUpWhen: () => (isProcessAlive(pid) ? undefined : `the Kafka JVM (pid ${pid}) exited during startup`),
    });
    if (!ready.ready) {
      await terminateProcess(pid, 10_000, this.#log);
      await removeFile(this.paths.pidFile);
      throw await this.#startFailure(`Kafka did not start: ${ready.reason}.`);
    }
    return 'started';
  }

  async stop(): Promise<void> {
    const pid = await this.#runningPid();
    if (pid !== undefined) {
      this.#log(`stopping Kafka (pid ${pid})`);
      await terminateProcess(pid, STOP_GRACE_MS, this.#log);
    }
    await removeFile(this.paths.pidFile);
  }

  async status(): Promise<ServiceStatus> {
    return localServiceStatus({ name: this.name, port: this.#settings.ports.kafka, url: `kafka://${this.#brokers.join(',')}` }, await this.#runningPid(), () => kafkaAnswers(this.#brokers));
  }



  /** SIGSTOP the JVM: connections stay open but nothing answers, like a broker stuck in a long GC pause. */
  async pause(): Promise<void> {
    sendSignal(await this.#requireRunningPid(), 'SIGSTOP');
  }

  async resume(): Promise<void> {
    sendSignal(await this.#requireRunningPid(), 'SIGCONT');
  }

  async #requireRunningPid(): Promise<number> {
    const pid = await this.#runningPid();
    if (pid !== undefined) return pid;
    throw new TandemError(ErrorCodes.STACK_NOT_RUNNING, 'Kafka is not running; start it with `tandem stack up`.');
  }

  async #runningPid(): Promise<number | undefined> {
    const pid = await readPidFile(this.paths.pidFile);
    return pid !== undefined && isOurProcess(pid, this.paths.serverProperties) ? pid : undefined;
  }

  async #writeConfig(): Promise<void> {
    const { kafka, kafkaController } = this.#settings.ports;
    await writeFile(
      this.paths.serverProperties,
      renderKafkaServerProperties({ dataDir: this.paths.dataDir, brokerPort: kafka, controllerPort: kafkaController }),
    );
    await writeFile(this.paths.log4jProperties, renderLog4jProperties(this.paths.serverLog));
  }

  /** Formats the KRaft storage once; the cluster id is kept in a file so a re-format reuses it. */
  async #formatIfNeeded(java: string, libsDir: string): Promise<void> {
    if (existsSync(this.paths.metaProperties)) return;
    const clusterId = await this.#clusterId();
    this.#log(`formatting Kafka storage in ${this.paths.dataDir} (cluster id ${clusterId})`);
    const result = await runCommand(java, storageFormatArgs(libsDir, this.paths, clusterId), {
      cwd: this.paths.dir,
      timeoutMs: 120_000,
    });
    await writeFile(this.paths.formatLog, result.output);
    if (result.exitCode !== 0) {
      throw new TandemError(
        ErrorCodes.STACK_START_FAILED,
        await withLogTails(`Formatting Kafka storage failed (exit ${result.exitCode}).`, [this.paths.formatLog]),
      );
    }
  }

  async #clusterId(): Promise<string> {
    if (existsSync(this.paths.clusterIdFile)) {
      const saved = (await readFile(this.paths.clusterIdFile, 'utf8')).trim();
      if (saved !== '') return saved;
    }
    const clusterId = newKafkaClusterId();
    await writeFile(this.paths.clusterIdFile, `${clusterId}\n`);
    return clusterId;
  }

  async #startFailure(message: string): Promise<TandemError> {
    return new TandemError(
      ErrorCodes.STACK_START_FAILED,
      await withLogTails(message, [this.paths.consoleLog, this.paths.serverLog]),
    );
  }
}
