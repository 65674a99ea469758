import type { Lsn } from './lsn.js';

/** A value of one column in a pgoutput TupleData: its text form, SQL NULL, or "unchanged TOAST, not sent". */
export const UNCHANGED_TOAST: unique symbol = Symbol('unchanged-toast');
export type TupleValue = string | null | typeof UNCHANGED_TOAST;
export type TupleData = TupleValue[];

export type ReplicaIdentity = 'default' | 'nothing' | 'full' | 'index';

export interface RelationColumn {
  /** Part of the replica identity key. */
  isKey: boolean;
  name: string;
  typeOid: number;
  typeMod: number;
}

export interface BeginMessage { tag: 'begin'; finalLsn: Lsn; commitTimeMicros: bigint; xid: number }
export interface CommitMessage { tag: 'commit'; flags: number; commitLsn: Lsn; endLsn: Lsn; commitTimeMicros: bigint }
export interface OriginMessage { tag: 'origin'; originLsn: Lsn; name: string }
export interface RelationMessage { tag: 'relation'; relationOid: number; schema: string; table: string; replicaIdentity: ReplicaIdentity; columns: RelationColumn[] }
export interface TypeMessage { tag: 'type'; typeOid: number; schema: string; name: string }
export interface InsertMessage { tag: 'insert'; relationOid: number; newTuple: TupleData }
export interface UpdateMessage { tag: 'update'; relationOid: number; oldKind: 'key' | 'old' | null; oldTuple: TupleData | null; newTuple: TupleData }
export interface DeleteMessage { tag: 'delete'; relationOid: number; oldKind: 'key' | 'old'; oldTuple: TupleData }
export interface TruncateMessage { tag: 'truncate'; cascade: boolean; restartIdentity: boolean; relationOids: number[] }
export interface LogicalMessage { tag: 'message'; transactional: boolean; lsn: Lsn; prefix: string; content: Buffer }

export type PgoutputMessage =
  | BeginMessage
  | CommitMessage
  | OriginMessage
  | RelationMessage
  | TypeMessage
  | InsertMessage
  | UpdateMessage
  | DeleteMessage
  | TruncateMessage
  | LogicalMessage;
