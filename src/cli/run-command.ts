import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { createLogger } from '../logging.js';
import { applierComponents, linkSelector, readerComponents } from '../runtime/components.js';
import { Supervisor } from '../runtime/supervisor.js';
import { StatusBoard } from '../runtime/status-board.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the configured readers and appliers in this process until SIGTERM/SIGINT')
    .requiredOption('-c, --config <file>', 'config file', 'tandem.yaml')
    .option('--status-every <seconds>', 'log every component\'s counters (events, conflicts, loops skipped, …) this often', '30')
    .option('--only <names>', 'comma-separated: node names (their readers) and link:<from>-><to> (that link\'s applier); default: everything')
    .action(async (options: { config: string; only?: string; statusEvery: string }) => {
      const config = await loadConfigFile(options.config);
      const logger = createLogger(process.env.TANDEM_LOG_LEVEL ?? config.log.level);
      const only = options.only?.split(',').map((s) => s.trim()).filter(Boolean);
      const known = [...config.nodes.map((n) => n.name), ...config.links.map((l) => linkSelector(l))];
      for (const name of only ?? []) {
        if (!known.includes(name)) {
          throw new TandemError(ErrorCodes.CONFIG_INVALID, `--only names "${name}", which is neither a node nor a link of the config (choose from: ${known.join(', ')})`);
        }
      }
      const statusSeconds = Number(options.statusEvery);
      if (!Number.isFinite(statusSeconds) || statusSeconds <= 0) {
        throw new TandemError(ErrorCodes.CONFIG_INVALID, `--status-every ${options.statusEvery}: give a number of seconds above 0`);
      }
      const board = new StatusBoard();
      const components = [...readerComponents(config, logger, only, board), ...applierComponents(config, logger, only, board)];
      const stopStatus = board.logEvery(logger, statusSeconds * 1000);
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
        stopStatus();
        logger.info({ components: board.snapshot() }, 'status at exit');
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
