import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('live demo on the local stack: shop traffic in PostgreSQL, its change events read back from Kafka')
    .option('--seconds <n>', 'how long to write traffic', (v) => Number.parseFloat(v), 15)
    .option('--rate <n>', 'workload steps per second', (v) => Number.parseFloat(v), 4)
    .action(async (options: { seconds: number; rate: number }) => {
      const ok = await runDemo({ seconds: options.seconds, stepsPerSecond: options.rate, out: (line) => process.stdout.write(`${line}\n`) });
      if (!ok) process.exitCode = 1;
    });
}
