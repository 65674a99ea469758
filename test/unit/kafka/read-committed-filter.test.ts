import type { RecordsBatch } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { committedRecords } from '../../../src/kafka/read-committed-filter.js';

function batch(firstOffset: bigint, count: number, producerId: bigint, opts: { transactional?: boolean; control?: 'abort' | 'commit' } = {}): RecordsBatch {
  const controlKey = Buffer.alloc(4);
  controlKey.writeInt16BE(0, 0);
  controlKey.writeInt16BE(opts.control === 'commit' ? 1 : 0, 2);
  return {
    firstOffset,
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes: (opts.transactional || opts.control ? 0x10 : 0) | (opts.control ? 0x20 : 0),
    lastOffsetDelta: count - 1,
    firstTimestamp: 0n,
    maxTimestamp: 0n,
    producerId,
    producerEpoch: 0,
    firstSequence: 0,
    records: Array.from({ length: count }, (_, i) => ({
      length: 0,
      attributes: 0,
      timestampDelta: 0n,
      offsetDelta: i,
      key: opts.control ? controlKey : Buffer.from(`k${firstOffset + BigInt(i)}`),
      value: Buffer.from('v'),
      headers: [],
    })),
  };
}

const offsets = (batches: RecordsBatch[], aborted: { producerId: bigint; firstOffset: bigint }[] | null) =>
  committedRecords(batches, aborted).map((r) => r.offset);

describe('committedRecords (READ_COMMITTED filtering)', () => {
  it('keeps committed transactional and non-transactional data, drops control batches', () => {
    const batches = [batch(0n, 2, 1n, { transactional: true }), batch(2n, 1, 1n, { control: 'commit' }), batch(3n, 2, -1n)];
    expect(offsets(batches, [])).toEqual([0n, 1n, 3n, 4n]);
  });

  it('drops an aborted transaction up to its abort marker, interleaved with a committed one', () => {
    const batches = [
      batch(0n, 2, 7n, { transactional: true }),
      batch(2n, 2, 8n, { transactional: true }),
      batch(4n, 1, 7n, { control: 'abort' }),
      batch(5n, 1, 8n, { control: 'commit' }),
      batch(6n, 1, 7n, { transactional: true }),
      batch(7n, 1, 7n, { control: 'commit' }),
    ];
    expect(offsets(batches, [{ producerId: 7n, firstOffset: 0n }])).toEqual([2n, 3n, 6n]);
  });

  it('drops an aborted transaction whose abort marker lies beyond this fetch response', () => {
    const batches = [batch(10n, 3, 7n, { transactional: true }), batch(13n, 3, 7n, { transactional: true })];
    expect(offsets(batches, [{ producerId: 7n, firstOffset: 10n }])).toEqual([]);
  });

  it('only starts dropping at the aborted transaction’s first offset', () => {
    const batches = [batch(0n, 1, 7n, { transactional: true }), batch(1n, 1, 7n, { control: 'commit' }), batch(2n, 2, 7n, { transactional: true })];
    expect(offsets(batches, [{ producerId: 7n, firstOffset: 2n }])).toEqual([0n]);
  });
});
