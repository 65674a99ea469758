/**
 * Diagnostic variants of the reader (`npm run bench -- pg-reader --variant …`), for finding where the
 * time goes. Loaded into the `tandem run` child with --import; swaps one module import for a stand-in,
 * without touching src/. TANDEM_BENCH_VARIANTS is a comma-separated list of:
 *
 * - null-kafka: the reader's transactional producer does no Kafka I/O (sends and commits resolve on the
 *   next turn of the event loop); what is left is the cost of everything but the Kafka client.
 * - partition0: the real producer, but every record names partition 0 (the changes topic has one), so
 *   the client skips its murmur2 partitioner.
 * - null-avro: events are "encoded" as a fixed 230-byte value (about a real event's size); what is left is everything but Avro.
 */
import { registerHooks } from 'node:module';
import { VARIANT_ACTIVE_MESSAGE, type Variant } from './names.js';

const active = new Set((process.env.TANDEM_BENCH_VARIANTS ?? '').split(',').filter(Boolean));
const here = (file: string) => new URL(file, import.meta.url).href;

/** Whichever module of src/reader/ creates the producer (pg-reader.ts before, publishing-session.ts now). */
const READER_MODULE = /\/src\/reader\/[^/]+\.ts$/;

const redirects: Array<{ variant: Variant; importer: RegExp; specifier: string; to: string }> = [
  { variant: 'null-kafka', importer: READER_MODULE, specifier: '../kafka/transactional-producer.js', to: here('./null-kafka-producer.ts') },
  { variant: 'partition0', importer: READER_MODULE, specifier: '../kafka/transactional-producer.js', to: here('./partition0-producer.ts') },
  { variant: 'null-avro', importer: /\/src\/runtime\/components\.ts$/, specifier: '../avro/index.js', to: here('./null-avro.ts') },
];

if (active.size > 0) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const hit = redirects.find((r) => active.has(r.variant) && r.specifier === specifier && r.importer.test(context.parentURL ?? ''));
      if (!hit) return nextResolve(specifier, context);
      process.stderr.write(`${JSON.stringify({ msg: VARIANT_ACTIVE_MESSAGE, variant: hit.variant })}\n`);
      return nextResolve(hit.to, context);
    },
  });
}
