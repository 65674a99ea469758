import type { RecordsBatch } from '@platformatic/kafka';

/** Record batch attribute bits (Kafka protocol, RecordBatch v2 `attributes`). */
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
/** Control record key: version int16, type int16 (0 = ABORT, 1 = COMMIT). */
const CONTROL_TYPE_ABORT = 0;

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface CommittedRecordRef {
  batch: RecordsBatch;
  recordIndex: number;
  offset: bigint;
}

/**
 * Picks the committed data records out of one fetch response partition, read with isolation level
 * READ_COMMITTED. The broker returns everything below the last stable offset, aborted transactions
 * included, with the list of aborted transactions overlapping the range; the client must drop them.
 *
 * Algorithm (as in the Java client): walk batches in offset order; before a batch, every aborted
 * transaction whose first offset is <= the batch's last offset marks its producer as aborted; a
 * transactional data batch of an aborted producer is dropped; the producer's ABORT control marker
 * ends the aborted range. Unlike @platformatic/kafka 2.x's own filter, a range whose abort marker lies
 * beyond this response (a large aborted transaction split across fetches) is still dropped.
 */
export function committedRecords(batches: readonly RecordsBatch[], aborted: readonly AbortedTransaction[] | null): CommittedRecordRef[] {
  const pending = [...(aborted ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  const out: CommittedRecordRef[] = [];
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) {
      abortedProducers.add(pending.shift()!.producerId);
    }
    if (batch.attributes & CONTROL) {
      const key = batch.records[0]?.key;
      if (key && key.length >= 4 && key.readInt16BE(2) === CONTROL_TYPE_ABORT) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (batch.attributes & TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
    batch.records.forEach((record, recordIndex) => {
      out.push({ batch, recordIndex, offset: batch.firstOffset + BigInt(record.offsetDelta) });
    });
  }
  return out;
}
