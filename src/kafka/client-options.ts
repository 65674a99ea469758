import type { KafkaConfig } from '../config/schema.js';

/** Options every @platformatic/kafka client of ours shares. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

export function kafkaConnection(config: Pick<KafkaConfig, 'brokers' | 'clientId'>): KafkaConnection {
  return { brokers: config.brokers, clientId: config.clientId };
}

export function baseClientOptions(connection: KafkaConnection, suffix: string) {
  return {
    clientId: `${connection.clientId}-${suffix}`,
    bootstrapBrokers: connection.brokers,
    // Our own code retries with backoff where it makes sense; keep the client's retries short so an
    // outage surfaces as an error we can report instead of a silent hang.
    retries: 3,
    retryDelay: 250,
    timeout: 30_000,
  };
}
