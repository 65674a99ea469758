import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('live demo on the local stack: shop traffic written into PostgreSQL appears in MySQL, with rows/s and lag')
    .option('--seconds <n>', 'how long to write traffic', (v) => Number.parseFloat(v), 15)
    .option('--rate <n>', 'workload steps per second', (v) => Number.parseFloat(v), 4)
    .action(async (options: { seconds: number; rate: number }) => {
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
