import type { Value } from '../model/logical-type.js';

/** Conversion between one LogicalType's in-memory value and the avsc value of its Avro branches. */
export interface ValueCodec {
  /** The avsc value of a non-null in-memory value; throws ValueRejected when it does not fit. */
  toAvro(value: unknown): unknown;
  /** The in-memory value of a non-null avsc value read with this type's schema. */
  fromAvro(avro: unknown): Value;
}

/** Why a value does not fit its column type; the row encoder adds table, column and value. */
export class ValueRejected extends Error {}

export function reject(reason: string): never {
  throw new ValueRejected(reason);
}
