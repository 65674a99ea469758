import type { Command } from 'commander';
import { ChangeEventDecoder } from '../avro/index.js';
import { loadConfigFile } from '../config/load.js';
import { ErrorCodes, TandemError } from '../errors.js';
import { kafkaConnection } from '../kafka/client-options.js';
import { SchemaTopicLookup } from '../kafka/schema-topic-lookup.js';
import { TopicFollower } from '../kafka/topic-follower.js';
import { topicNames } from '../kafka/topic-names.js';
import { eventToJson } from '../model/event-json.js';

export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description("print a node's committed change events from Kafka as JSON lines, decoded through the schema topic")
    .requiredOption('-c, --config <file>', 'config file', 'tandem.yaml')
    .requiredOption('-n, --node <name>', 'source node whose changes topic to read')
    .option('--from-end', 'only show events committed from now on')
    .option('--limit <count>', 'stop after this many events', (v) => Number.parseInt(v, 10))
    .action(async (options: { config: string; node: string; fromEnd?: boolean; limit?: number }) => {
      const config = await loadConfigFile(options.config);
      if (!config.nodes.some((n) => n.name === options.node)) {
        throw new TandemError(ErrorCodes.CONFIG_INVALID, `node "${options.node}" is not in ${options.config} (nodes: ${config.nodes.map((n) => n.name).join(', ')})`);
      }
      const connection = kafkaConnection(config.kafka);
      const topics = topicNames(config.kafka.topicPrefix);
      const schemas = new SchemaTopicLookup(connection, topics.schemas);
      const decoder = new ChangeEventDecoder((fingerprint) => schemas.lookup(fingerprint));
      const follower = new TopicFollower(connection, topics.changes(options.node));
      let count = 0;
      const stop = () => void follower.stop();
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      try {
        await follower.run(async (record) => {
          if (!record.value || (options.limit !== undefined && count >= options.limit)) return;
          const event = await decoder.decode(record.value);
          process.stdout.write(`${JSON.stringify({ partition: record.partition, offset: record.offset.toString(), ...eventToJson(event) })}\n`);
          if (options.limit !== undefined && ++count >= options.limit) await follower.stop();
        }, options.fromEnd ? 'end' : 'beginning');
      } finally {
        await follower.close();
        await schemas.close();
      }
    });
}
