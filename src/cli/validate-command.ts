import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { redactConfig } from '../config/redact.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a config file and print it with defaults filled in and secrets hidden')
    .requiredOption('-c, --config <file>', 'config file', 'tandem.yaml')
    .action(async (options: { config: string }) => {
      const config = await loadConfigFile(options.config);
      process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
    });
}
