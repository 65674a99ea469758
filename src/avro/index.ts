/** The Avro layer of change events: schemas, encoding, decoding. See docs/avro.md. */
export { crc64Avro, fingerprintToHex, CRC64_AVRO_EMPTY } from './crc64-avro.js';
export { parsingCanonicalForm } from './canonical-form.js';
export { encodeAvroName, decodeAvroName, isValidAvroName } from './avro-names.js';
export { bigintLongType } from './bigint-long.js';
export { avroBranchesFor, SharedTypeNames } from './logical-type-schema.js';
export { RowAttributes, tableNamespace, tableFromRowRecord } from './row-record.js';
export { checkTableSchema, tableStructureKey } from './table-structure.js';
export {
  parseSingleObjectHeader,
  encodeSingleObjectHeader,
  SINGLE_OBJECT_HEADER_LENGTH,
  type SingleObjectHeader,
} from './single-object.js';
export {
  buildWriterSchema,
  WriterSchemaCache,
  SCHEMA_ID_FIELD_PREFIX,
  ENVELOPE_LAYOUT,
  layoutOfEnvelope,
  type EnvelopeLayout,
  type WriterSchema,
} from './writer-schema.js';
export type { RowLayout } from './row-layout.js';
export { encodeChangeEvent } from './encode-change-event.js';
export {
  ChangeEventDecoder,
  decodeWith,
  writerSchemaFromJson,
  type ChangeEventDecoderOptions,
  type DecodedChangeEvent,
  type ReaderSchemaChoice,
  type SchemaLookup,
} from './decode-change-event.js';
