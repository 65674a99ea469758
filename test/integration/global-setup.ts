import pg from 'pg';
import type { TestProject } from 'vitest/node';
import {
  SERVICE_NAMES,
  stackDown,
  stackEnvFromVariables,
  stackUp,
  stopService,
  type ServiceName,
  type StackEnv,
} from '../../src/stack/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the integration stack runs; read it in tests with `getStack()` from ./helpers/stack.js. */
    stack: StackEnv;
  }
}

/**
 * Appliers' replication origins outlive test databases (they are cluster-wide, and each used one holds one
 * of max_replication_slots): a reused stack starts without the idle ones earlier runs left.
 */
async function dropIdleOrigins(pgUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const origins = await client.query<{ roname: string }>("SELECT roname FROM pg_replication_origin WHERE roname LIKE 'tandem:%'");
    // One in use by a running applier (another test run) refuses to go: leave it.
    for (const { roname } of origins.rows) await client.query('SELECT pg_replication_origin_drop($1)', [roname]).catch(() => undefined);
  } finally {
    await client.end();
  }
}

/**
 * Integration tests run against TANDEM_PG_URL / TANDEM_MYSQL_URL / TANDEM_KAFKA_BROKERS when all three are set;
 * otherwise against the development stack, started (or reused) here. On teardown only what this setup itself
 * started is stopped, and nothing at all when TANDEM_KEEP_STACK is set.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const fromEnvironment = stackEnvFromVariables(process.env);
  if (fromEnvironment !== undefined) {
    project.provide('stack', fromEnvironment);
    return undefined;
  }

  const result = await stackUp();
  project.provide('stack', result.env);
  await dropIdleOrigins(result.env.pgUrl);
  const started = SERVICE_NAMES.filter((name: ServiceName) => result.services[name] === 'started');

  return async () => {
    if (process.env['TANDEM_KEEP_STACK'] || started.length === 0) return;
    if (started.length === SERVICE_NAMES.length) await stackDown();
    else for (const name of started) await stopService(name);
  };
}
