import type { Engine } from '../model/table.js';

/**
 * Where a reader has got to in its source's log: serialisable (into the offsets topic), and
 * comparable within one engine. Each engine provides its own implementation.
 */
export interface SourcePosition {
  readonly engine: Engine;
  /** A JSON-safe value that `PositionCodec.fromJson` turns back into an equal position. */
  toJson(): Record<string, unknown>;
  /** For logs and errors. */
  toString(): string;
}

export interface PositionCodec<P extends SourcePosition> {
  fromJson(json: Record<string, unknown>): P;
}
