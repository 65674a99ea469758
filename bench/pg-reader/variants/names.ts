/** The diagnostic variants bench/pg-reader/variants/hooks.ts knows (see there). */
export const VARIANTS = ['null-kafka', 'partition0', 'null-avro'] as const;
export type Variant = (typeof VARIANTS)[number];

/** What the child writes on stderr when a variant's stand-in module is loaded. */
export const VARIANT_ACTIVE_MESSAGE = 'bench variant active';
