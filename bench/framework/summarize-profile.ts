/** node --import tsx bench/framework/summarize-profile.ts <file.cpuprofile> [top]: the summary the benchmarks print. */
import { renderProfileSummary, summarizeCpuProfile } from './cpu-profile.js';

const [file, top] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node --import tsx bench/framework/summarize-profile.ts <file.cpuprofile> [top functions, default 25]\n');
  process.exit(2);
}
process.stdout.write(`${renderProfileSummary(await summarizeCpuProfile(file, Number(top ?? 25))).join('\n')}\n`);
