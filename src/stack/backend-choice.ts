import { ErrorCodes, TandemError } from '../errors.js';
import type { BackendKind } from './backend.js';
import { runCommand } from './processes.js';
import { findTool, TOOLS } from './tools.js';

export type BackendSetting = BackendKind | 'auto';

export const BACKEND_ENV_VAR = 'TANDEM_STACK_BACKEND';

/** Reads TANDEM_STACK_BACKEND: local, docker or auto (the default when unset or empty). */
export function parseBackendSetting(raw: string | undefined): BackendSetting {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return 'auto';
  if (value === 'local' || value === 'docker' || value === 'auto') return value;
  throw new TandemError(
    ErrorCodes.CONFIG_INVALID,
    `${BACKEND_ENV_VAR}=${raw} is not a stack backend; use local, docker or auto.`,
  );
}

/**
 * auto picks Docker Compose only when a Docker engine answers (`docker info` succeeds), else local processes.
 * An explicit `docker` with no engine is an error rather than a silent fallback.
 */
export function chooseBackend(setting: BackendSetting, dockerEngineAnswers: boolean): BackendKind {
  if (setting === 'local') return 'local';
  if (setting === 'docker') {
    if (dockerEngineAnswers) return 'docker';
    throw new TandemError(
      ErrorCodes.STACK_TOOL_MISSING,
      `${BACKEND_ENV_VAR}=docker, but no Docker engine answers (\`docker info\` fails). Start the Docker daemon, ` +
        `install it (apt-get install docker.io), or use ${BACKEND_ENV_VAR}=local.`,
    );
  }
  return dockerEngineAnswers ? 'docker' : 'local';
}

/** True when the docker client exists and a daemon answers `docker info`. */
export async function dockerEngineAnswers(): Promise<boolean> {
  const docker = findTool(TOOLS.docker);
  if (docker === undefined) return false;
  try {
    const result = await runCommand(docker, ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
