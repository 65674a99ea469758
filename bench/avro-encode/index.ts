import { parseArgs } from 'node:util';
import { benchEncode } from '../../src/avro/bench-encode.js';
import { formatCount, round } from '../framework/format.js';
import type { Benchmark } from '../framework/types.js';

/** Encodes one realistic 10-column insert event n times (src/avro/bench-encode.ts), best of `rounds`. */
export const avroEncodeBenchmark: Benchmark = {
  name: 'avro-encode',
  description: 'Avro encoding of one change event, in a loop (CPU only, no I/O)',
  async run(args) {
    const { values } = parseArgs({ args, options: { events: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' } } });
    const events = Number(values.events);
    const rounds = Number(values.rounds);
    if (!Number.isInteger(events) || events < 1 || !Number.isInteger(rounds) || rounds < 1) throw new Error('--events and --rounds must be positive integers');
    const perRound: number[] = [];
    for (let i = 0; i < rounds; i++) perRound.push(benchEncode(events).eventsPerSecond);
    const best = Math.max(...perRound);
    return {
      parameters: { events, rounds },
      results: { eventsPerSecondBest: round(best, 0), eventsPerSecondPerRound: perRound.map((r) => round(r, 0)) },
      summary: [`avro-encode: ${formatCount(best)} events/s (best of ${rounds} × ${formatCount(events)})`],
    };
  },
};
