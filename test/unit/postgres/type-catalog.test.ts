import { describe, expect, it } from 'vitest';
import type { LogicalType } from '../../../src/model/logical-type.js';
import { NeedMoneyScale, type PgTypeInfo, qualifySourceType, RefusedType, resolvePgType } from '../../../src/postgres/type-catalog.js';
import { numericType } from '../../../src/postgres/types-builtin.js';
import { EXPECTED_SHOW_VALUES, REPLICATION_SESSION_OPTIONS } from '../../../src/postgres/session-settings.js';

function info(oid: number, typname: string, extra: Partial<PgTypeInfo> = {}): PgTypeInfo {
  return {
    oid,
    namespace: 'pg_catalog',
    name: typname,
    typname,
    kind: 'b',
    arrayElement: 0,
    delimiter: ',',
    domainBase: 0,
    domainTypmod: -1,
    visible: true,
    enumLabels: null,
    ...extra,
  };
}

const INFOS = new Map<number, PgTypeInfo>(
  [
    info(16, 'bool'),
    info(18, 'char', { name: '"char"' }),
    info(23, 'int4'),
    info(1007, '_int4', { arrayElement: 23 }),
    info(1043, 'varchar'),
    info(1015, '_varchar', { arrayElement: 1043 }),
    info(1042, 'bpchar'),
    info(1700, 'numeric'),
    info(790, 'money'),
    info(2205, 'regclass'),
    info(603, 'box', { delimiter: ';' }),
    info(1020, '_box', { arrayElement: 603 }),
    info(869, 'inet'),
    info(22, 'int2vector', { arrayElement: 0 }),
    info(16388, 'mood', { namespace: 'public', kind: 'e', enumLabels: ['sad', 'ok', 'happy'] }),
    info(16389, '_mood', { namespace: 'public', arrayElement: 16388 }),
    info(16385, 'dvc', { namespace: 'public', kind: 'd', domainBase: 1043, domainTypmod: 14 }),
    info(16384, '_dvc', { namespace: 'public', arrayElement: 16385 }),
    info(16396, 'darr', { namespace: 'app', kind: 'd', domainBase: 1007, visible: false }),
    info(16400, 'pair', { namespace: 'public', kind: 'c' }),
    info(16410, 'citext', { namespace: 'public' }),
    info(3904, 'int4range', { kind: 'r' }),
  ].map((i) => [i.oid, i]),
);

function resolve(oid: number, typmod = -1, ...money: [number | undefined] | []): LogicalType {
  return resolvePgType(INFOS, oid, typmod, money.length === 0 ? 2 : money[0]);
}

describe('numeric typmods', () => {
  it('decodes precision and scale, including PostgreSQL 15 negative and oversized scales', () => {
    expect(numericType(-1)).toEqual({ kind: 'decimal' });
    expect(numericType((12 << 16) + 2 + 4)).toEqual({ kind: 'decimal', precision: 12, scale: 2 });
    expect(numericType((1000 << 16) + 0 + 4)).toEqual({ kind: 'decimal', precision: 1000, scale: 0 });
    expect(numericType(133121)).toEqual({ kind: 'decimal', precision: 5, scale: 0 }); // numeric(2,-3)
    expect(numericType(196617)).toEqual({ kind: 'decimal', precision: 5, scale: 5 }); // numeric(3,5)
  });
});

describe('resolvePgType', () => {
  it('maps built-ins with their typmods', () => {
    expect(resolve(16)).toEqual({ kind: 'boolean' });
    expect(resolve(18)).toEqual({ kind: 'string' });
    expect(resolve(1043, 44)).toEqual({ kind: 'string', maxLength: 40 });
    expect(resolve(1043)).toEqual({ kind: 'string' });
    expect(resolve(1042, 5)).toEqual({ kind: 'string', maxLength: 1, fixed: true });
    expect(resolve(1700, (12 << 16) + 6)).toEqual({ kind: 'decimal', precision: 12, scale: 2 });
    expect(resolve(869)).toEqual({ kind: 'string' });
    expect(resolve(3904)).toEqual({ kind: 'string' });
    expect(resolve(16410)).toEqual({ kind: 'string' });
  });

  it('maps money to decimal(19, locale fraction digits)', () => {
    expect(resolve(790, -1, 2)).toEqual({ kind: 'decimal', precision: 19, scale: 2 });
    expect(resolve(790, -1, 0)).toEqual({ kind: 'decimal', precision: 19, scale: 0 });
    expect(() => resolve(790, -1, undefined)).toThrow(NeedMoneyScale);
  });

  it('resolves arrays through typelem with the column typmod', () => {
    expect(resolve(1007)).toEqual({ kind: 'array', element: { kind: 'int32' } });
    expect(resolve(1015, 11)).toEqual({ kind: 'array', element: { kind: 'string', maxLength: 7 } });
    expect(resolve(16389)).toEqual({ kind: 'array', element: { kind: 'enum', typeName: 'public.mood', labels: ['sad', 'ok', 'happy'] } });
  });

  it('resolves domains to their base type with the domain typmod', () => {
    expect(resolve(16385)).toEqual({ kind: 'string', maxLength: 10 });
    expect(resolve(16384)).toEqual({ kind: 'array', element: { kind: 'string', maxLength: 10 } });
    expect(resolve(16396)).toEqual({ kind: 'array', element: { kind: 'int32' } });
  });

  it('refuses what cannot be carried exactly, saying why', () => {
    expect(() => resolve(2205)).toThrow(RefusedType);
    expect(() => resolve(2205)).toThrow(/OID alias/);
    expect(() => resolve(16400)).toThrow(/composite/);
    expect(() => resolve(1020)).toThrow(/delimiter ";"/);
    expect(() => resolve(22)).toThrow(/internal/);
    expect(() => resolve(999999)).toThrow(/does not exist/);
  });

  it('qualifies visible non-catalog types in sourceType', () => {
    expect(qualifySourceType(INFOS, 16388, 'mood')).toBe('public.mood');
    expect(qualifySourceType(INFOS, 16389, 'mood[]')).toBe('public.mood[]');
    expect(qualifySourceType(INFOS, 16396, 'app.darr')).toBe('app.darr');
    expect(qualifySourceType(INFOS, 1015, 'character varying(7)[]')).toBe('character varying(7)[]');
  });
});

describe('session settings', () => {
  it('is a libpq options string with one -c per setting and no blanks inside values', () => {
    expect(REPLICATION_SESSION_OPTIONS).toBe(
      '-c DateStyle=ISO,YMD -c TimeZone=UTC -c IntervalStyle=iso_8601 -c extra_float_digits=3 -c bytea_output=hex -c lc_monetary=C -c client_encoding=UTF8',
    );
    expect(Object.keys(EXPECTED_SHOW_VALUES)).toHaveLength(REPLICATION_SESSION_OPTIONS.split('-c ').length - 1);
  });
});
