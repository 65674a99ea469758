import { randomUUID } from 'node:crypto';
import {
  Admin,
  Consumer,
  FetchIsolationLevels,
  MessagesStreamModes,
  Producer,
  deserializersFrom,
  serializersFrom,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  pauseKafka,
  restartService,
  resumeKafka,
  stackEnvFromVariables,
  stackStatus,
  stackUp,
} from '../../src/stack/index.js';
import { kafkaAnswers } from '../../src/stack/readiness.js';
import { getStack } from './helpers/stack.js';

/** The lifecycle tests drive our own stack; they are skipped when the suite runs against URLs from the env. */
const externalStack = stackEnvFromVariables(process.env) !== undefined;

async function withPostgres<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: getStack().pgUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function withMysql<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: getStack().mysqlUrl });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

describe('PostgreSQL', () => {
  it('is set up for logical decoding with commit timestamps', async () => {
    await withPostgres(async (client) => {
      const walLevel = await client.query<{ wal_level: string }>('SHOW wal_level');
      const commitTimestamps = await client.query<{ track_commit_timestamp: string }>('SHOW track_commit_timestamp');
      expect(walLevel.rows[0]?.wal_level).toBe('logical');
      expect(commitTimestamps.rows[0]?.track_commit_timestamp).toBe('on');
    });
  });

  it('lets the tandem role replicate', async () => {
    await withPostgres(async (client) => {
      const role = await client.query<{ rolsuper: boolean; rolreplication: boolean }>(
        'SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user',
      );
      expect(role.rows[0]).toEqual({ rolsuper: true, rolreplication: true });
    });
  });
});

describe('MySQL family', () => {
  it('writes a row-based binlog with full row images', async () => {
    await withMysql(async (connection) => {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(
        'SELECT @@log_bin AS logBin, @@binlog_format AS format, @@binlog_row_image AS rowImage',
      );
      expect(rows[0]).toEqual({ logBin: 1, format: 'ROW', rowImage: 'FULL' });
    });
  });

  it('lets the tandem user read the binlog', async () => {
    await withMysql(async (connection) => {
      const [rows] = await connection.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
      expect(rows.length).toBeGreaterThan(0);
    });
  });
});

describe('Kafka', () => {
  it('answers a metadata request', async () => {
    const admin = new Admin({ clientId: 'stack-test', bootstrapBrokers: getStack().kafkaBrokers });
    try {
      const metadata = await admin.metadata({ topics: [] });
      expect(metadata.brokers.size).toBe(1);
    } finally {
      await admin.close();
    }
  });

  it('delivers committed transactions and hides aborted ones from read_committed consumers', async () => {
    const brokers = getStack().kafkaBrokers;
    const topic = `stack-test-${randomUUID()}`;
    const admin = new Admin({ clientId: 'stack-test', bootstrapBrokers: brokers });
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();

    const producer = new Producer<string, string, string, string>({
      clientId: 'stack-test-producer',
      bootstrapBrokers: brokers,
      idempotent: true,
      transactionalId: `stack-test-${randomUUID()}`,
      serializers: serializersFrom(stringSerializer),
    });
    try {
      const sendInTransaction = async (values: string[], outcome: 'commit' | 'abort'): Promise<void> => {
        const transaction = await producer.beginTransaction();
        await transaction.send({ messages: values.map((value) => ({ topic, key: value, value })) });
        if (outcome === 'commit') await transaction.commit();
        else await transaction.abort();
      };
      await sendInTransaction(['a', 'b'], 'commit');
      await sendInTransaction(['aborted'], 'abort');
      await sendInTransaction(['c'], 'commit');
    } finally {
      await producer.close();
    }

    const consumer = new Consumer<string, string, string, string>({
      clientId: 'stack-test-consumer',
      groupId: `stack-test-${randomUUID()}`,
      bootstrapBrokers: brokers,
      deserializers: deserializersFrom(stringDeserializer),
    });
    const seen: string[] = [];
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: MessagesStreamModes.EARLIEST,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        maxWaitTime: 500,
        autocommit: false,
      });
      for await (const message of stream) {
        seen.push(message.value);
        if (message.value === 'c') break;
      }
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});

describe.skipIf(externalStack)('stack lifecycle', () => {
  it('stackUp is idempotent: a second call reuses every running service', async () => {
    const first = await stackUp();
    const pidsBefore = (await stackStatus()).services.map((service) => service.pid);
    const second = await stackUp();
    const after = await stackStatus();
    expect(second.services).toEqual({ postgres: 'reused', mariadb: 'reused', kafka: 'reused' });
    expect(second.env).toEqual(first.env);
    expect(after.services.map((service) => service.pid)).toEqual(pidsBefore);
    expect(after.services.every((service) => service.state === 'running')).toBe(true);
  });

  it('pauses and resumes Kafka', async () => {
    await pauseKafka();
    try {
      const kafka = (await stackStatus()).services.find((service) => service.name === 'kafka');
      expect(kafka?.state).toBe('paused');
      expect(await kafkaAnswers(getStack().kafkaBrokers, 1000)).toBe(false);
    } finally {
      await resumeKafka();
    }
    expect(await kafkaAnswers(getStack().kafkaBrokers)).toBe(true);
  });

  it('restarts PostgreSQL and the new server accepts connections', async () => {
    const before = (await stackStatus()).services.find((service) => service.name === 'postgres')?.pid;
    await restartService('postgres');
    const after = (await stackStatus()).services.find((service) => service.name === 'postgres');
    expect(after?.state).toBe('running');
    expect(after?.pid).not.toBe(before);
    await withPostgres(async (client) => {
      expect((await client.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    });
  });
});
