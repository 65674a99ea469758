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
  const started = SERVICE_NAMES.filter((name: ServiceName) => result.services[name] === 'started');

  return async () => {
    if (process.env['TANDEM_KEEP_STACK'] || started.length === 0) return;
    if (started.length === SERVICE_NAMES.length) await stackDown();
    else for (const name of started) await stopService(name);
  };
}
