import { randomUUID } from 'node:crypto';
import type { LinkConfig, TandemConfig } from '../config/schema.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { kafkaConnection, type KafkaConnection } from '../kafka/client-options.js';
import { CommittedTopicReader } from '../kafka/committed-topic-reader.js';
import { GroupMembership, logStartOffsets } from '../kafka/group-membership.js';
import { SchemaTopicLookup } from '../kafka/schema-topic-lookup.js';
import { ensureTopics } from '../kafka/topic-admin.js';
import { topicNames } from '../kafka/topic-names.js';
import type { Logger } from '../logging.js';
import { newApplierStats, type ApplierStats, type ApplyContext, type CommitInfo } from './apply-context.js';
import { VersionArbiter } from '../twoway/arbiter.js';
import { ConflictLog } from '../twoway/conflict-log.js';
import { TombstonePurger } from '../twoway/tombstone-purger.js';
import { shadowTableName } from '../twoway/shadow-table.js';
import { rankOf, skipsOrigin } from '../twoway/topology.js';
import { tableKey } from './link-routes.js';
import { ApplyLoop } from './apply-loop.js';
import { ChangeDecoder } from './change-decoder.js';
import { DeadLetters } from './dead-letters.js';
import { linkRoutes, showTable, type TableRoute } from './link-routes.js';
import type { TargetTable } from './target-table.js';
import type { TargetWriter } from './target-writer.js';

export interface ApplierDeps {
  link: LinkConfig;
  /** The whole configuration: nodes, the other links (loop rules), Kafka, conflict settings. */
  config: TandemConfig;
  logger: Logger;
  /** The target's dialect (see createTargetWriter in src/runtime/components.ts). */
  writer: TargetWriter;
  /** Called after every target commit (live displays, benchmarks). */
  onCommitted?: (info: CommitInfo) => void;
}

/** The link's name in logs, messages and `--only`: "from->to". */
export function linkName(link: Pick<LinkConfig, 'from' | 'to'>): string {
  return `${link.from}->${link.to}`;
}

/**
 * The applier of one link: consumes the source node's changes topic (READ_COMMITTED, decoded through the
 * schema topic) and applies it to the target node exactly once — the progress (topic, partition, next
 * offset) is stored in the target's tandem_progress table in the same transaction as the rows, and every
 * start resumes from there. ordering: transaction reads the one partition alone; ordering: key shares the
 * partitions between instances through a Kafka consumer group (used for assignment only).
 */
export class Applier {
  readonly #deps: ApplierDeps;
  readonly #log: Logger;
  #loop: ApplyLoop | undefined;
  #stopping = false;
  readonly stats: ApplierStats = newApplierStats();

  constructor(deps: ApplierDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'applier', link: linkName(deps.link) });
  }

  async run(): Promise<void> {
    const { link, writer, config } = this.#deps;
    const { kafka } = config;
    const topics = topicNames(kafka.topicPrefix);
    const topic = topics.changes(link.from);
    const connection = kafkaConnection(kafka);
    const routes = linkRoutes(config.nodes, link);
    let reader: CommittedTopicReader | undefined;
    let schemas: SchemaTopicLookup | undefined;
    let deadLetters: DeadLetters | undefined;
    let conflicts: ConflictLog | undefined;
    let purger: TombstonePurger | undefined;
    let membership: GroupMembership | undefined;
    await writer.connect();
    try {
      await writer.ensureProgressTable();
      const bound = await this.#describeTargets(routes);
      await ensureTopics(connection, [
        { name: topic, partitions: kafka.partitions, replicationFactor: kafka.replicationFactor },
        { name: topics.schemas, partitions: 1, replicationFactor: kafka.replicationFactor, compacted: true },
        ...(link.onError === 'dead-letter' ? [{ name: topics.deadLetter(link.to), partitions: 1, replicationFactor: kafka.replicationFactor }] : []),
        ...(link.mode === 'two-way' ? [{ name: topics.conflicts, partitions: 1, replicationFactor: kafka.replicationFactor }] : []),
      ]);
      const instance = link.ordering === 'key' ? `.${randomUUID()}` : '';
      const shadows = link.mode === 'two-way' ? await this.#describeShadows(bound.map((b) => b.target)) : undefined;
      if (shadows) {
        conflicts = new ConflictLog(connection, topics.conflicts, `${kafka.topicPrefix}.conflicts.${link.from}.${link.to}${instance}`);
        const target = config.nodes.find((n) => n.name === link.to)!;
        purger = new TombstonePurger(target, [...shadows.values()].map((s) => s.name), config.conflicts.tombstoneRetentionHours * 3_600_000, this.#log);
        purger.start();
      }
      reader = new CommittedTopicReader(connection, topic);
      const partitions = await reader.partitionCount();
      if (link.ordering === 'transaction' && partitions !== 1) {
        throw new TandemError(
          ErrorCodes.CONFIG_INVALID,
          `link ${linkName(link)} has ordering: transaction, but ${topic} has ${partitions} partitions; source transactions can only be applied whole from one partition: use ordering: key, or recreate the topic with one partition`,
        );
      }
      schemas = new SchemaTopicLookup(connection, topics.schemas);
      const lookup = schemas;
      if (link.onError === 'dead-letter') {
        const id = `${kafka.topicPrefix}.applier.${link.from}.${link.to}${instance}`;
        deadLetters = new DeadLetters(connection, topics.deadLetter(link.to), id);
      }
      const ctx: ApplyContext = {
        link: linkName(link),
        consumerId: `link.${link.from}.${link.to}`,
        topic,
        ordering: link.ordering,
        batchMaxRows: link.batchMaxRows,
        batchMaxDelayMs: link.batchMaxDelayMs,
        writer,
        changes: new ChangeDecoder((f) => lookup.lookup(f), bound, writer, link.from),
        reader,
        feedOptions: { maxWaitMs: Math.min(link.batchMaxDelayMs, 200), maxBytes: 8 * 1024 * 1024 },
        deadLetters,
        linkFrom: link.from,
        skipsOrigin: (origin) => skipsOrigin(config, link, origin),
        arbiter: shadows
          ? new VersionArbiter({
              writer,
              link: linkName(link),
              resolvedOn: link.to,
              shadows,
              rankOf: (n) => rankOf(config, n),
              conflicts,
              stats: this.stats,
              log: this.#log,
              tombstoneRetentionMs: config.conflicts.tombstoneRetentionHours * 3_600_000,
            })
          : undefined,
        conflicts,
        log: this.#log,
        stats: this.stats,
        onCommitted: this.#deps.onCommitted,
      };
      const groupMember =
        link.ordering === 'key'
          ? new GroupMembership(
              connection,
              `${kafka.topicPrefix}.applier.${link.from}.${link.to}`,
              topic,
              (p) => this.#loop?.assign(p),
              (error) => this.#loop?.fail(error),
            )
          : undefined;
      membership = groupMember;
      const loop = new ApplyLoop(ctx, {
        loadProgress: (parts) => this.#loadProgress(ctx, connection, parts),
        onOffsets: (offsets) => groupMember?.commitOffsets(offsets),
      });
      this.#loop = loop;
      if (this.#stopping) loop.requestStop();
      if (groupMember) await groupMember.join();
      else loop.assign([0]);
      this.#log.info({ topic, ordering: link.ordering, tables: routes.length }, 'applier starting');
      await loop.run();
    } finally {
      await purger?.stop();
      await membership?.leave();
      await deadLetters?.close();
      await conflicts?.close();
      await schemas?.close().catch(() => undefined);
      await reader?.close().catch(() => undefined);
      await writer.close();
      this.#log.info({ ...this.stats }, 'applier stopped');
    }
  }

  /** Finishes the batch in hand at a source transaction boundary, commits it, and returns from run(). */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#loop?.requestStop();
  }

  /** Every routed target table must exist, with a primary key or the configured unique key. */
  async #describeTargets(routes: TableRoute[]): Promise<Array<{ route: TableRoute; target: TargetTable }>> {
    const out: Array<{ route: TableRoute; target: TargetTable }> = [];
    const { to } = this.#deps.link;
    for (const route of routes) {
      const target = await this.#deps.writer.describeTable(route.target);
      const where = `link ${linkName(this.#deps.link)}: source table ${showTable(route.source)} goes to ${showTable(route.target)} on node ${to}`;
      if (!target) {
        throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `${where}, which does not exist; create it (Tandem does not create target tables) or map the table elsewhere under links[].tables`);
      }
      if (!route.key && target.primaryKey.length === 0) {
        throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `${where}, which has no primary key; add one, or name a unique key for it under links[].keys`);
      }
      if (route.key) {
        const missing = route.key.filter((c) => !target.columns.has(c));
        if (missing.length > 0) throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `${where}: its configured key names column(s) ${missing.join(', ')}, which it does not have`);
        const unique = target.uniqueKeys.some((u) => u.length === route.key!.length && u.every((c) => route.key!.includes(c)));
        if (!unique) throw new TandemError(ErrorCodes.APPLY_TARGET_MISMATCH, `${where}: its configured key (${route.key.join(', ')}) is not a unique index; create one (CREATE UNIQUE INDEX …) or configure another key`);
      }
      out.push({ route, target });
    }
    return out;
  }

  /** The shadow table of every target table of a two-way link (made by the target node's reader at its start). */
  async #describeShadows(targets: TargetTable[]): Promise<Map<string, TargetTable>> {
    const shadows = new Map<string, TargetTable>();
    for (const target of targets) {
      const name = shadowTableName(target.name);
      const shadow = await this.#deps.writer.describeTable(name);
      if (!shadow) {
        throw new TandemError(
          ErrorCodes.APPLY_TARGET_MISMATCH,
          `link ${linkName(this.#deps.link)} is two-way, but ${showTable(target.name)} on node ${this.#deps.link.to} has no shadow table ${showTable(name)} yet; node ${this.#deps.link.to}'s reader makes it when it starts (retrying)`,
          { canRetry: true },
        );
      }
      shadows.set(tableKey(target.name), shadow);
    }
    return shadows;
  }

  /** Stored progress of the partitions; a partition never applied starts at its first record. */
  async #loadProgress(ctx: ApplyContext, connection: KafkaConnection, partitions: number[]): Promise<Map<number, bigint>> {
    const starts = await logStartOffsets(connection, ctx.topic);
    const stored = await ctx.writer.initProgress(ctx.consumerId, ctx.topic, partitions, (p) => starts[p] ?? 0n);
    for (const p of partitions) {
      const at = stored.get(p);
      const first = starts[p] ?? 0n;
      if (at !== undefined && at < first) {
        throw new TandemError(
          ErrorCodes.APPLY_PROGRESS,
          `link ${ctx.link}: the target stopped at ${ctx.topic}[${p}]@${at}, but Kafka now starts that partition at ${first}: changes in between were deleted by retention before they were applied. ` +
            `Re-seed the target from the source, then set tandem_progress.next_offset for consumer ${ctx.consumerId}, partition ${p} to ${first}`,
        );
      }
    }
    return stored;
  }
}
