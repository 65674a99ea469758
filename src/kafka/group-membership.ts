import { Consumer, FetchIsolationLevels, type ConsumerGroupJoinPayload } from '@platformatic/kafka';
import { ErrorCodes, TandemError } from '../errors.js';
import { baseClientOptions, type KafkaConnection } from './client-options.js';
import { describeKafkaError } from './transactional-producer.js';

/**
 * Membership in a Kafka consumer group, used only for its partition assignment: records are fetched with
 * CommittedTopicReader (correct READ_COMMITTED filtering), and progress lives wherever the member keeps
 * it; the group's committed offsets are written only as information for monitoring tools.
 */
export class GroupMembership {
  readonly #consumer: Consumer;
  #joined = false;

  constructor(
    connection: KafkaConnection,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly onAssignment: (partitions: number[]) => void,
    /** The membership is lost for good (a rejoin failed, heartbeats stalled): the member must start over. */
    private readonly onFailure: (error: TandemError) => void,
  ) {
    this.#consumer = new Consumer({
      ...baseClientOptions(connection, 'member'),
      groupId,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      autocommit: false,
      sessionTimeout: 10_000,
      rebalanceTimeout: 15_000,
      heartbeatInterval: 1_000,
    });
  }

  /** Joins the group; the assignment is reported now and after every rebalance. */
  async join(): Promise<void> {
    this.#consumer.topics.trackAll(this.topic);
    this.#consumer.on('consumer:group:join', (payload: ConsumerGroupJoinPayload) => {
      this.onAssignment(partitionsOf(payload.assignments ?? [], this.topic));
    });
    // The client emits 'error' when a rejoin fails (and then stops heartbeating), and reports stalled
    // heartbeats; either way this member's assignment can no longer be trusted.
    this.#consumer.on('error', (cause: unknown) => {
      this.onFailure(new TandemError(ErrorCodes.KAFKA, `consumer group ${this.groupId}: ${describeKafkaError(cause)}; rejoining`, { cause, canRetry: true }));
    });
    this.#consumer.on('consumer:heartbeat:stalled', () => {
      this.onFailure(new TandemError(ErrorCodes.KAFKA, `consumer group ${this.groupId}: heartbeats stalled; rejoining`, { canRetry: true }));
    });
    try {
      await this.#consumer.joinGroup({ sessionTimeout: 10_000, rebalanceTimeout: 15_000, heartbeatInterval: 1_000 });
    } catch (cause) {
      throw new TandemError(ErrorCodes.KAFKA, `cannot join consumer group ${this.groupId}: ${describeKafkaError(cause)}`, { cause, canRetry: true });
    }
    this.#joined = true;
    this.onAssignment(partitionsOf(this.#consumer.assignments ?? [], this.topic));
  }

  /** Mirrors stored progress into the group's committed offsets (best effort: information only). */
  commitOffsets(offsets: ReadonlyMap<number, bigint>): void {
    if (!this.#joined || offsets.size === 0) return;
    const committing: Promise<void> = this.#consumer.commit({
      offsets: [...offsets].map(([partition, offset]) => ({ topic: this.topic, partition, offset, leaderEpoch: -1 })),
    });
    committing.catch(() => undefined);
  }

  async leave(): Promise<void> {
    if (this.#joined) {
      const leaving = this.#consumer.leaveGroup(false) as unknown as Promise<void>;
      await leaving.catch(() => undefined);
    }
    this.#joined = false;
    await this.#consumer.close(true).catch(() => undefined);
  }
}

function partitionsOf(assignments: ReadonlyArray<{ topic: string; partitions: number[] }>, topic: string): number[] {
  return assignments.filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort((a, b) => a - b);
}

/** The first offset still in each partition of a topic (records below it were deleted by retention). */
export async function logStartOffsets(connection: KafkaConnection, topic: string): Promise<bigint[]> {
  const consumer = new Consumer({ ...baseClientOptions(connection, 'offsets'), groupId: `tandem-unused-${topic}` });
  try {
    const offsets = await consumer.listOffsets({ topics: [topic], timestamp: -2n });
    return offsets.get(topic) ?? [];
  } catch (cause) {
    throw new TandemError(ErrorCodes.KAFKA, `cannot list the offsets of ${topic}: ${describeKafkaError(cause)}`, { cause, canRetry: true });
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}
