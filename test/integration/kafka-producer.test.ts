import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isTandemError } from '../../src/errors.js';
import { ensureTopics } from '../../src/kafka/topic-admin.js';
import { createTransactionalProducer } from '../../src/kafka/transactional-producer.js';
import { ChangesTopicProbe } from './helpers/changes-topic.js';
import { getStack } from './helpers/stack.js';

describe('TransactionalProducer on the real broker', () => {
  const prefix = `it.${randomBytes(4).toString('hex')}`;
  const kafka = { brokers: getStack().kafkaBrokers, clientId: 'tandem-test', topicPrefix: prefix, partitions: 1, replicationFactor: 1 };
  const topic = `${prefix}.p.changes`;
  afterAll(async () => {
    await new ChangesTopicProbe(kafka, 'p').deleteTopics();
  });

  it('refuses a batch larger than the broker accepts without retrying, naming the setting to change', async () => {
    await ensureTopics(kafka, [{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = createTransactionalProducer(kafka, { transactionalId: `${prefix}.test` });
    let caught: unknown;
    try {
      await producer.begin();
      await producer.send([{ topic, key: Buffer.from('k'), value: Buffer.alloc(2 * 1024 * 1024, 1) }]);
    } catch (error) {
      caught = error;
    } finally {
      await producer.abort().catch(() => undefined);
      await producer.close();
    }
    expect(isTandemError(caught, 'TANDEM_KAFKA')).toBe(true);
    expect((caught as { canRetry: boolean }).canRetry).toBe(false);
    expect((caught as Error).message).toContain('reader.chunkMaxBytes');
  });
});
