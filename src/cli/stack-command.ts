import type { Command } from 'commander';
import {
  renderEnvLine,
  renderStatusTable,
  stackDown,
  stackEnv,
  stackStatus,
  stackUp,
} from '../stack/index.js';

/** `tandem stack up|down|status|env`: the local development stack (see docs/stack.md). */
export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('run a local PostgreSQL + MariaDB + Kafka for development and tests (see docs/stack.md)');

  stack
    .command('up')
    .description('start PostgreSQL, MariaDB and Kafka (reusing what already runs) and wait until they accept connections')
    .action(async () => {
      const started = Date.now();
      await stackUp();
      const status = await stackStatus();
      process.stdout.write(`${renderStatusTable(status.backend, status.services)}\n`);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(`[tandem stack] ready in ${seconds}s; load the URLs with: eval "$(tandem stack env)"\n`);
    });

  stack
    .command('down')
    .description('stop all three services (data is kept; see docs/stack.md to reset)')
    .action(async () => {
      await stackDown();
    });

  stack
    .command('status')
    .description('show each service: state, pid, port, url')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      const status = await stackStatus();
      const text = options.json ? JSON.stringify(status, null, 2) : renderStatusTable(status.backend, status.services);
      process.stdout.write(`${text}\n`);
    });

  stack
    .command('env')
    .description('print one `export TANDEM_PG_URL=… TANDEM_MYSQL_URL=… TANDEM_KAFKA_BROKERS=…` line for eval')
    .action(() => {
      process.stdout.write(`${renderEnvLine(stackEnv())}\n`);
    });
}
