import { inject } from 'vitest';
import type { StackEnv } from '../../../src/stack/index.js';

/** URLs of the stack the integration global setup provided (see test/integration/global-setup.ts). */
export function getStack(): StackEnv {
  return inject('stack');
}
