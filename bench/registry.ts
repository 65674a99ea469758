import { applyBenchmark } from './apply/index.js';
import { avroEncodeBenchmark } from './avro-encode/index.js';
import type { Benchmark } from './framework/types.js';
import { mysqlReaderBenchmark } from './mysql-reader/index.js';
import { pgReaderBenchmark } from './pg-reader/index.js';
import { verifyBenchmark } from './verify/index.js';

/** Every benchmark `npm run bench` knows, in the order "all" runs them. */
export const BENCHMARKS: Benchmark[] = [avroEncodeBenchmark, pgReaderBenchmark, mysqlReaderBenchmark, applyBenchmark, verifyBenchmark];
