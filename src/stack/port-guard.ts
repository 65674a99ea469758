import { ErrorCodes, TandemError } from '../errors.js';
import { isPortOpen } from './waiting.js';

/**
 * Fails before starting a server whose port is already taken by something that is not ours
 * (another stack, a system service), with the env variable that moves our port elsewhere.
 */
export async function assertPortFree(port: number, service: string, envVariable: string): Promise<void> {
  if (!(await isPortOpen('127.0.0.1', port))) return;
  throw new TandemError(
    ErrorCodes.STACK_START_FAILED,
    `Cannot start ${service}: 127.0.0.1:${port} is already in use by another process ` +
      `(not one this stack started). Stop that process or pick another port with ${envVariable}=<port>.`,
  );
}
