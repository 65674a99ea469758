import type { LogicalType } from '../model/logical-type.js';

/** Either the logical type a pg_catalog type maps to, or why it cannot be carried exactly. */
export type BuiltinMapping = { type: LogicalType } | { refused: string };

const VARHDRSZ = 4;

/**
 * numeric typmod: ((precision << 16) | (scale & 0x7ff)) + 4, scale an 11-bit signed field (PostgreSQL 15
 * allows scale < 0 and scale > precision). Mapped so every value fits and the printed scale is kept:
 * numeric(p, s<0) values are integers of up to p - s digits → decimal(p - s, 0);
 * numeric(p, s>p) values are below 10^(p-s) → decimal(s, s).
 */
export function numericType(typmod: number): LogicalType {
  if (typmod < VARHDRSZ) return { kind: 'decimal' };
  const precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
  const scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
  if (scale < 0) return { kind: 'decimal', precision: precision - scale, scale: 0 };
  return { kind: 'decimal', precision: Math.max(precision, scale), scale };
}

function lengthType(typmod: number, fixed: boolean): LogicalType {
  if (typmod < VARHDRSZ) return { kind: 'string' };
  return fixed ? { kind: 'string', maxLength: typmod - VARHDRSZ, fixed: true } : { kind: 'string', maxLength: typmod - VARHDRSZ };
}

/**
 * Built-in types whose output is exact, re-readable text with no logical-type counterpart: carried as
 * strings, the PostgreSQL spelling kept in sourceType. Their output depends on no setting we leave open
 * (geometric types print their float8 coordinates exactly under extra_float_digits=3).
 */
const TEXTUAL = new Set([
  'xml', 'inet', 'cidr', 'macaddr', 'macaddr8', 'bit', 'varbit', 'tsvector', 'tsquery', 'jsonpath',
  'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle', 'pg_lsn', 'txid_snapshot', 'pg_snapshot', 'tid',
  'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange',
  'int4multirange', 'int8multirange', 'nummultirange', 'tsmultirange', 'tstzmultirange', 'datemultirange',
]);

const OID_ALIAS = new Set([
  'regclass', 'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator',
  'regproc', 'regprocedure', 'regrole', 'regtype',
]);

/**
 * Maps a type of schema pg_catalog by its typname. moneyScale: fraction digits of the source database's
 * lc_monetary (see PgTypeCatalog); undefined → money not yet probed (the caller must probe and retry).
 */
export function mapBuiltinType(typname: string, typmod: number, moneyScale: number | undefined): BuiltinMapping | 'need-money-scale' {
  switch (typname) {
    case 'bool':
      return { type: { kind: 'boolean' } };
    case 'int2':
      return { type: { kind: 'int16' } };
    case 'int4':
      return { type: { kind: 'int32' } };
    case 'int8':
    case 'oid': // unsigned 32-bit
    case 'xid':
    case 'cid':
      return { type: { kind: 'int64' } };
    case 'xid8': // unsigned 64-bit
      return { type: { kind: 'decimal', precision: 20, scale: 0 } };
    case 'numeric':
      return { type: numericType(typmod) };
    case 'money':
      // int64 count of the currency's smallest unit; printed under lc_monetary=C as count / 100.
      if (moneyScale === undefined) return 'need-money-scale';
      return { type: { kind: 'decimal', precision: 19, scale: moneyScale } };
    case 'float4':
      return { type: { kind: 'float32' } };
    case 'float8':
      return { type: { kind: 'float64' } };
    case 'text':
    case 'name':
    case 'char': // "char": one byte; bytes >= 0x80 print as \ooo, which "char" input reads back
      return { type: { kind: 'string' } };
    case 'varchar':
      return { type: lengthType(typmod, false) };
    case 'bpchar':
      return { type: lengthType(typmod, true) };
    case 'bytea':
      return { type: { kind: 'bytes' } };
    case 'date':
      return { type: { kind: 'date' } };
    case 'time':
      return { type: { kind: 'time' } };
    case 'timetz':
      return { type: { kind: 'timetz' } };
    case 'timestamp':
      return { type: { kind: 'timestamp' } };
    case 'timestamptz':
      return { type: { kind: 'timestamptz' } };
    case 'interval':
      return { type: { kind: 'interval' } };
    case 'uuid':
      return { type: { kind: 'uuid' } };
    case 'json':
      return { type: { kind: 'json' } };
    case 'jsonb':
      return { type: { kind: 'json', binary: true } };
  }
  if (TEXTUAL.has(typname)) return { type: { kind: 'string' } };
  if (OID_ALIAS.has(typname)) {
    return {
      refused:
        'it is an OID alias type: its text is an object name resolved through search_path in the source database, ' +
        'and the same name may denote another object (or none) elsewhere; cast it to oid or text',
    };
  }
  return { refused: 'it is a PostgreSQL-internal type with no portable value' };
}
