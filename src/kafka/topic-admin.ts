import { Admin } from '@platformatic/kafka';
import { ErrorCodes, TandemError } from '../errors.js';
import { baseClientOptions, type KafkaConnection } from './client-options.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  compacted?: boolean;
}

/** Creates the topics that do not exist yet; checks the partition count of those that do. */
export async function ensureTopics(connection: KafkaConnection, specs: TopicSpec[]): Promise<void> {
  const admin = new Admin(baseClientOptions(connection, 'admin'));
  try {
    const existing = new Set(await admin.listTopics());
    for (const spec of specs) {
      if (existing.has(spec.name)) continue;
      try {
        await admin.createTopics({
          topics: [spec.name],
          partitions: spec.partitions,
          replicas: spec.replicationFactor,
          configs: spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        });
      } catch (cause) {
        // Another process may have created it between our list and create: accept that, fail otherwise.
        if (!(await admin.listTopics()).includes(spec.name)) {
          throw new TandemError(ErrorCodes.KAFKA, `cannot create Kafka topic ${spec.name}: ${(cause as Error).message}; check the brokers and that this client may create topics, or create it yourself`, { cause, canRetry: true });
        }
      }
    }
    const metadata = await admin.metadata({ topics: specs.map((s) => s.name), forceUpdate: true });
    for (const spec of specs) {
      const topic = metadata.topics.get(spec.name);
      if (topic && topic.partitionsCount !== spec.partitions && !spec.compacted) {
        throw new TandemError(
          ErrorCodes.KAFKA,
          `Kafka topic ${spec.name} has ${topic.partitionsCount} partitions but the config asks for ${spec.partitions}; set kafka.partitions to ${topic.partitionsCount} or recreate the topic`,
        );
      }
    }
  } catch (cause) {
    if (cause instanceof TandemError) throw cause;
    throw new TandemError(ErrorCodes.KAFKA, `Kafka at ${connection.brokers.join(',')} did not answer: ${(cause as Error).message}; is the broker running (tandem stack status)?`, { cause, canRetry: true });
  } finally {
    await admin.close();
  }
}
