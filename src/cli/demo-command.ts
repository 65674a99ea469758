import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { CONFIG_FILE } from '../demo/demo-setup.js';
import { readConflicts } from '../demo/finish.js';
import { runDemo } from '../demo/run-demo.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'live two-way demo on the local stack: a shop in PostgreSQL and an inventory in MySQL write the same products and orders at once; ' +
        'rows/s and lag each way, conflicts resolved, then verify',
    )
    .option('--seconds <n>', 'how long to write traffic', (v) => Number.parseFloat(v), 15)
    .option('--rate <n>', 'workload steps per second, on each side', (v) => Number.parseFloat(v), 20)
    .option('--conflicts', `print the conflicts the last demo resolved (JSON lines from its conflicts topic, config ${CONFIG_FILE}) and exit`)
    .action(async (options: { seconds: number; rate: number; conflicts?: boolean }) => {
      if (options.conflicts) {
        const config = await loadConfigFile(CONFIG_FILE);
        // `… --conflicts | head`: a closed pipe ends the listing, not with a stack trace.
        process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(0) : undefined));
        for (const c of await readConflicts(config)) process.stdout.write(`${JSON.stringify(c)}\n`);
        return;
      }
      if (!(options.seconds > 0) || !(options.rate > 0)) {
        process.stderr.write('--seconds and --rate take numbers above 0\n');
        process.exitCode = 2;
        return;
      }
      // On a terminal the status line stays at the bottom, rewritten in place; elsewhere it is a line.
      const tty = process.stdout.isTTY === true;
      let statusLine = '';
      let lastPrinted = 0;
      const out = (line: string) => process.stdout.write(tty && statusLine ? `\r\x1b[K${line}\n${statusLine}` : `${line}\n`);
      const status = (line: string) => {
        if (!tty) {
          if (Date.now() - lastPrinted < 2000) return;
          lastPrinted = Date.now();
          return process.stdout.write(`${line}\n`);
        }
        statusLine = line;
        process.stdout.write(`\r\x1b[K${line}`);
      };
      const ok = await runDemo({ seconds: options.seconds, stepsPerSecond: options.rate, out, status: (line) => void status(line) });
      if (tty && statusLine) process.stdout.write('\n');
      if (!ok) process.exitCode = 1;
    });
}
