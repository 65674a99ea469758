import { z } from 'zod';
import { linkIssues } from '../applier/link-routes.js';
import { twoWayIssues } from '../twoway/topology.js';

/** Node and topic names become Kafka topic names and PostgreSQL slot names: keep them to a safe alphabet. */
const nodeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,40}$/, 'must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 41 characters)');

const tableRef = z
  .string()
  .min(1)
  .describe('"schema.table" for PostgreSQL, "database.table" or "table" for MySQL');

const connectionSchema = z.union([
  z.object({ url: z.string().min(1) }).strict(),
  z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      user: z.string().min(1),
      password: z.string().optional(),
      database: z.string().min(1),
    })
    .strict(),
]);

const postgresOptions = z
  .object({
    slot: z.string().regex(/^[a-z0-9_]{1,63}$/, 'must be 1-63 characters of a-z, 0-9 and _').optional(),
    publication: z.string().min(1).max(63).optional(),
  })
  .strict();

const mysqlOptions = z
  .object({
    /** The replica server id the binlog reader announces; unique among the source's replicas. Default: derived from the node name. */
    serverId: z.number().int().min(1).max(4_294_967_295).optional(),
    /** Zero dates ('0000-00-00', '2024-00-10', zero TIMESTAMP) have no calendar value: carry them as NULL, or stop with an error. */
    zeroDates: z.enum(['null', 'error']).default('error'),
  })
  .strict();

const nodeSchema = z
  .object({
    name: nodeName,
    engine: z.enum(['postgres', 'mysql']),
    connection: connectionSchema,
    tables: z.array(tableRef).min(1, 'list at least one table to replicate'),
    /** Breaks last-writer-wins ties between equal timestamps: the higher rank wins. Unique; required on nodes of two-way links. */
    rank: z.number().int().min(1).max(1_000_000).optional(),
    postgres: postgresOptions.optional(),
    mysql: mysqlOptions.optional(),
  })
  .strict();

const kafkaSchema = z
  .object({
    brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port')).min(1),
    topicPrefix: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must hold only letters, digits, ".", "_" and "-"').default('tandem'),
    partitions: z.number().int().min(1).max(1000).default(1),
    replicationFactor: z.number().int().min(1).max(10).default(1),
    clientId: z.string().min(1).default('tandem'),
  })
  .strict();

const readerSchema = z
  .object({
    /** A Kafka transaction is committed once it holds this many events (at a source transaction boundary)... */
    batchMaxEvents: z.number().int().min(1).max(1_000_000).default(20_000),
    /** ...or once its first event is this old. */
    batchMaxDelayMs: z.number().int().min(1).max(60_000).default(250),
    /** Events sent to Kafka in one produce request (bounds memory together with chunkMaxBytes). */
    chunkMaxEvents: z.number().int().min(1).max(100_000).default(2_000),
    // A chunk becomes one record batch per partition: keep it under the broker's message.max.bytes (1 MiB by default).
    chunkMaxBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(512 * 1024),
    /** Heartbeat: a tiny source transaction every this many ms, so an idle source never pins its log. */
    heartbeatIntervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
  })
  .strict();

const conflictsSchema = z
  .object({
    /** How long a deleted row's tombstone (its delete version) is kept; must exceed the worst replication lag. */
    tombstoneRetentionHours: z.number().min(0.001).max(24 * 3650).default(168),
  })
  .strict();

const linkSchema = z
  .object({
    /** The source node whose changes topic the link consumes. */
    from: nodeName,
    /** The target node the link writes into. */
    to: nodeName,
    /** one-way: apply every change. two-way: the reverse link exists too, and a change is applied only if it is newer (last writer wins). */
    mode: z.enum(['one-way', 'two-way']).default('one-way'),
    /** transaction: one partition, each source transaction applied atomically, in commit order. key: many partitions, order per row. */
    ordering: z.enum(['transaction', 'key']).default('transaction'),
    /** stop: a change the target rejects stops the pipeline; dead-letter: it goes to <prefix>.<to>.dlq and the pipeline goes on. */
    onError: z.enum(['stop', 'dead-letter']).default('stop'),
    /** A target transaction commits (at a source transaction boundary) once it holds this many rows... */
    batchMaxRows: z.number().int().min(1).max(1_000_000).default(5_000),
    /** ...or once its first change is this old, or as soon as the applier has caught up. */
    batchMaxDelayMs: z.number().int().min(1).max(60_000).default(200),
    /** "<source table>": "<target table>", each in its own node's syntax. Default: same schema (PostgreSQL) / database (MySQL) and name. */
    tables: z.record(tableRef, tableRef).optional(),
    /** "<source table>": { "<source column>": "<target column>" }. Default: same names. */
    columns: z.record(tableRef, z.record(z.string().min(1), z.string().min(1))).optional(),
    /** "<target table>": [columns]: the unique key to apply by, for a target table without a primary key. */
    keys: z.record(tableRef, z.array(z.string().min(1)).min(1)).optional(),
    /** PostgreSQL schema / MySQL database of the tandem_progress table. Default: public / the target connection's database. */
    progressSchema: z.string().min(1).max(63).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    kafka: kafkaSchema,
    nodes: z.array(nodeSchema).min(1, 'configure at least one node'),
    /** One-way pipelines: the changes of node `from`, applied into node `to`. */
    links: z.array(linkSchema).default([]),
    reader: readerSchema.default(readerSchema.parse({})),
    conflicts: conflictsSchema.default(conflictsSchema.parse({})),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.nodes.forEach((node, i) => {
      if (seen.has(node.name)) {
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'name'], message: `node name "${node.name}" is used twice; give every node its own name` });
      }
      seen.add(node.name);
      if (node.engine !== 'postgres' && node.postgres) {
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'postgres'], message: 'postgres options only apply to nodes with engine: postgres; remove them' });
      }
      if (node.engine !== 'mysql' && node.mysql) {
        ctx.addIssue({ code: 'custom', path: ['nodes', i, 'mysql'], message: 'mysql options only apply to nodes with engine: mysql; remove them' });
      }
    });
    for (const issue of linkIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of twoWayIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
  });

export type TandemConfig = z.infer<typeof configSchema>;
export type NodeConfig = TandemConfig['nodes'][number];
export type KafkaConfig = TandemConfig['kafka'];
export type ReaderConfig = TandemConfig['reader'];
export type ConnectionConfig = NodeConfig['connection'];
export type LinkConfig = TandemConfig['links'][number];
export type ConflictsConfig = TandemConfig['conflicts'];
