import { Command, CommanderError } from 'commander';
import { isTandemError } from '../errors.js';
import { registerDemoCommand } from './demo-command.js';
import { registerRunCommand } from './run-command.js';
import { registerStackCommands } from './stack-command.js';
import { registerTailCommand } from './tail-command.js';
import { registerValidateCommand } from './validate-command.js';
import { registerVerifyCommand } from './verify-command.js';

const program = new Command()
  .name('tandem')
  .description('Bi-directional change-data-capture replication between PostgreSQL and MySQL through Kafka')
  .showHelpAfterError()
  .exitOverride();

registerRunCommand(program);
registerStackCommands(program);
registerTailCommand(program);
registerValidateCommand(program);
registerVerifyCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (isTandemError(error)) {
    process.stderr.write(`tandem: ${error.message}\n  (${error.code})\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`tandem: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
