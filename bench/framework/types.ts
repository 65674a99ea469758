/** What one benchmark hands back to bench/main.ts, which adds the machine and writes the JSON. */
export interface BenchOutcome {
  /** The knobs this run used (sizes, settings), so results can be compared like for like. */
  parameters: Record<string, unknown>;
  /** Measurements; plain JSON. */
  results: unknown;
  /** Results file name without ".json" when not the benchmark's name (diagnostic runs keep off the main file). */
  resultsName?: string;
  /** A few lines for the terminal. */
  summary: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  /** `args` are the command-line words after the benchmark's name (flags such as --scale). */
  run(args: string[]): Promise<BenchOutcome>;
}
