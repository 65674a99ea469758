import type { Benchmark } from '../framework/types.js';
import { mysqlReaderBenchmark as definition } from './run.js';

/** Register in bench/registry.ts: `import { mysqlReaderBenchmark } from './mysql-reader/index.js'`. */
export const mysqlReaderBenchmark: Benchmark = definition;
