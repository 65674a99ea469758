/** All Kafka topic names Tandem uses, derived from the configured prefix. */
export interface TopicNames {
  /** Change events of one source node, keyed by table + primary key. */
  changes(node: string): string;
  /** Dead-letter topic of the applier writing into `node`. */
  deadLetter(node: string): string;
  /** Every conflict last-writer-wins resolved, on any node (JSON, keyed by target table + key). */
  readonly conflicts: string;
  /** Compacted: every Avro writer schema, keyed by its CRC-64-AVRO fingerprint (hex). */
  readonly schemas: string;
  /** Compacted: each reader's last published source position, keyed by reader id. */
  readonly offsets: string;
}

export function topicNames(prefix: string): TopicNames {
  return {
    changes: (node) => `${prefix}.${node}.changes`,
    deadLetter: (node) => `${prefix}.${node}.dlq`,
    conflicts: `${prefix}.conflicts`,
    schemas: `${prefix}._schemas`,
    offsets: `${prefix}._offsets`,
  };
}
