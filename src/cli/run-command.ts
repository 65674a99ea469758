import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { createLogger } from '../logging.js';
import { readerComponents } from '../runtime/components.js';
import { Supervisor } from '../runtime/supervisor.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the configured readers (and, later, appliers) in this process until SIGTERM/SIGINT')
    .requiredOption('-c, --config <file>', 'config file', 'tandem.yaml')
    .option('--only <nodes>', 'comma-separated node names to run readers for (default: all)')
    .action(async (options: { config: string; only?: string }) => {
      const config = await loadConfigFile(options.config);
      const logger = createLogger(process.env.TANDEM_LOG_LEVEL ?? config.log.level);
      const only = options.only?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const name of only ?? []) {
        if (!config.nodes.some((n) => n.name === name)) {
          throw new TandemError(ErrorCodes.CONFIG_INVALID, `--only names node "${name}", which the config does not have (nodes: ${config.nodes.map((n) => n.name).join(', ')})`);
        }
      }
      const components = readerComponents(config, logger, only);
      const supervisor = new Supervisor(logger);
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        logger.info({ signal }, signals === 1 ? 'stopping: finishing the batch in hand' : 'second signal: exiting now');
        if (signals > 1) process.exit(130);
        void supervisor.stop();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        await supervisor.runAll(components);
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
