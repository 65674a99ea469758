import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { tableLines } from '../verify/report-text.js';
import { runVerify } from '../verify/verify-run.js';

interface VerifyOptions {
  config: string;
  link?: string;
  from?: string;
  to?: string;
  chunkRows: string;
  maxDiffs: string;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new TandemError(ErrorCodes.VERIFY_USAGE, `${flag} ${text}: give a whole number of at least 1`);
  return n;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description("compare the tables of two nodes by checksums over key ranges and print the differing rows (exit 1 when any differ)")
    .requiredOption('-c, --config <file>', 'config file', 'tandem.yaml')
    .option('--link <from->to>', "compare a configured link's tables, with its table and column mapping")
    .option('--from <node>', 'first node (with --to): compare same-named tables')
    .option('--to <node>', 'second node')
    .option('--chunk-rows <n>', 'rows per checksummed key range', '20000')
    .option('--max-diffs <n>', 'differing keys to print per table', '1000')
    .action(async (options: VerifyOptions) => {
      if (options.link !== undefined && (options.from !== undefined || options.to !== undefined)) {
        throw new TandemError(ErrorCodes.VERIFY_USAGE, 'give either --link or --from/--to, not both');
      }
      const chunkRows = positive(options.chunkRows, '--chunk-rows');
      const maxDifferences = positive(options.maxDiffs, '--max-diffs');
      const config = await loadConfigFile(options.config);
      const target = options.link !== undefined ? { link: options.link } : { ...(options.from === undefined ? {} : { from: options.from }), ...(options.to === undefined ? {} : { to: options.to }) };
      let differing = 0;
      let names = { from: '', to: '' };
      const report = await runVerify(config, target, {
        chunkRows,
        maxDifferences,
        // Each table's result is printed as soon as it is known.
        onNodes: (from, to) => (names = { from, to }),
        onTable: (v) => {
          differing += v.differingRows;
          process.stdout.write(`${tableLines(v, names.from, names.to).join('\n')}\n`);
        },
      });
      process.stdout.write(
        differing === 0
          ? `verify: ${report.tables.length} table(s) equal on ${report.from.name} and ${report.to.name}\n`
          : `verify: ${differing} differing key(s) between ${report.from.name} and ${report.to.name}\n`,
      );
      process.exitCode = differing === 0 ? 0 : 1;
    });
}
