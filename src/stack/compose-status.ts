import type { ServiceState } from './service.js';
import type { ServiceName } from './settings.js';

/** Service names in docker/compose.yaml. The MySQL-family service is MySQL 8.4 there, MariaDB locally. */
export const COMPOSE_SERVICE: Record<ServiceName, string> = {
  postgres: 'postgres',
  mariadb: 'mysql',
  kafka: 'kafka',
};

export const COMPOSE_PROJECT = 'tandem';

/**
 * Parses `docker compose ps --all --format json`: Compose ≥ 2.21 prints one JSON object per line, older
 * releases one JSON array. Returns each compose service's container state.
 */
export function parseComposePs(output: string): Map<string, string> {
  const states = new Map<string, string>();
  const trimmed = output.trim();
  if (trimmed === '') return states;
  const rows: unknown[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
  for (const row of rows) {
    if (typeof row !== 'object' || row === null) continue;
    const service = (row as Record<string, unknown>)['Service'];
    const state = (row as Record<string, unknown>)['State'];
    if (typeof service === 'string' && typeof state === 'string') states.set(service, state.toLowerCase());
  }
  return states;
}

/** Maps a container state to ours; `answers` is the result of a real client round trip. */
export function containerStateToServiceState(containerState: string | undefined, answers: boolean): ServiceState {
  if (containerState === 'paused') return 'paused';
  if (containerState !== 'running') return 'stopped';
  return answers ? 'running' : 'unresponsive';
}
