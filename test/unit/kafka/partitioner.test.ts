import { murmur2 as referenceMurmur2 } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/kafka/partitioner.js';

describe('murmur2 (Kafka default partitioner hash)', () => {
  it('matches the Java client on Kafka’s own test vectors', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [text, hash] of cases) expect(murmur2(Buffer.from(text))).toBe(hash);
  });

  it('agrees with @platformatic/kafka’s BigInt port on random keys of every length', () => {
    for (let i = 0; i < 2000; i++) {
      const key = Buffer.from(Array.from({ length: i % 67 }, () => Math.floor(Math.random() * 256)));
      expect(murmur2(key)).toBe(referenceMurmur2(key));
    }
  });

  it('maps keys to partitions like the Java client (positive hash modulo the count)', () => {
    expect(partitionForKey(Buffer.from('foobar'), 1)).toBe(0);
    expect(partitionForKey(Buffer.from('foobar'), 7)).toBe((-790332482 & 0x7fffffff) % 7);
  });
});
