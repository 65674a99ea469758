import type { LogicalType, Value } from '../../../src/model/logical-type.js';

/** Names of the user-defined types the samples use (each test creates its own). */
export interface SampleTypeNames {
  /** Schema-qualified in sourceType/typeName as the catalog reports it, e.g. "public.tv_mood_x". */
  schema: string;
  mood: string;
  code: string;
  darr: string;
}

const DAY = 86_400_000_000n;

export interface Column {
  name: string;
  sql: string;
  type: LogicalType;
  sourceType: string;
  /** [SQL expression to insert, the value parsePgText must produce]; row i holds sample i or NULL. */
  samples: Array<[string, Value]>;
}

const arr = (element: LogicalType): LogicalType => ({ kind: 'array', element });

/** DDL creating the sample types in the current search_path's first schema. */
export function sampleTypesDdl(names: SampleTypeNames): string {
  return `CREATE TYPE ${names.mood} AS ENUM ('sad', 'ok', 'happy');
    CREATE DOMAIN ${names.code} AS varchar(8) CHECK (VALUE <> '');
    CREATE DOMAIN ${names.darr} AS int8[];`;
}

/**
 * One column of every supported PostgreSQL type, each with edge-value samples and the exact in-memory
 * value the reader must produce for them. Shared by the text-value test and the reader round-trip test.
 */
export function typeSampleColumns(serverVersion: number, names: SampleTypeNames): Column[] {
  const MOOD = names.mood;
  const CODE = names.code;
  const DARR = names.darr;
  const moodType: LogicalType = { kind: 'enum', typeName: `${names.schema}.${MOOD}`, labels: ['sad', 'ok', 'happy'] };

  const intervalInfinity: Array<[string, Value]> =
    serverVersion >= 170000
      ? [["'infinity'", { months: 2147483647, days: 2147483647, micros: 9223372036854775807n }]]
      : [];
  return [
    { name: 'c_bool', sql: 'boolean', type: { kind: 'boolean' }, sourceType: 'boolean', samples: [['true', true], ['false', false]] },
    { name: 'c_i2', sql: 'int2', type: { kind: 'int16' }, sourceType: 'smallint', samples: [['-32768', -32768], ['32767', 32767]] },
    { name: 'c_i4', sql: 'int4', type: { kind: 'int32' }, sourceType: 'integer', samples: [['-2147483648', -2147483648], ['2147483647', 2147483647]] },
    {
      name: 'c_i8', sql: 'int8', type: { kind: 'int64' }, sourceType: 'bigint',
      samples: [["'-9223372036854775808'", -9223372036854775808n], ["'9223372036854775807'", 9223372036854775807n], ['0', 0n]],
    },
    {
      name: 'c_num', sql: 'numeric', type: { kind: 'decimal' }, sourceType: 'numeric',
      samples: [
        ["'0.000000000000000000000000000001'", '0.000000000000000000000000000001'],
        ["'-12.3400'", '-12.3400'],
        ["'NaN'", 'NaN'],
        ["'Infinity'", 'Infinity'],
        ["'-Infinity'", '-Infinity'],
        ["'123456789012345678901234567890.123456789'", '123456789012345678901234567890.123456789'],
        ["'1e-5'", '0.00001'],
      ],
    },
    {
      name: 'c_num122', sql: 'numeric(12,2)', type: { kind: 'decimal', precision: 12, scale: 2 }, sourceType: 'numeric(12,2)',
      samples: [['1234567890.125', '1234567890.13'], ["'-0.01'", '-0.01'], ['0', '0.00']],
    },
    {
      name: 'c_numneg', sql: 'numeric(2,-3)', type: { kind: 'decimal', precision: 5, scale: 0 }, sourceType: 'numeric(2,-3)',
      samples: [['12345', '12000']],
    },
    {
      name: 'c_money', sql: 'money', type: { kind: 'decimal', precision: 19, scale: 2 }, sourceType: 'money',
      samples: [
        ["'-92233720368547758.08'", '-92233720368547758.08'],
        ["'92233720368547758.07'", '92233720368547758.07'],
        ["'0'", '0.00'],
        ['1234.5::numeric', '1234.50'],
      ],
    },
    {
      name: 'c_f4', sql: 'float4', type: { kind: 'float32' }, sourceType: 'real',
      samples: [
        ["'1.17549435e-38'", 2 ** -126],
        ["'3.4028235e+38'", Math.fround(3.4028235e38)],
        ["'-0'", -0],
        ["'NaN'", NaN],
        ["'0.1'", Math.fround(0.1)],
        ["'1e-45'", 2 ** -149],
        ["'-Infinity'", -Infinity],
      ],
    },
    {
      name: 'c_f8', sql: 'float8', type: { kind: 'float64' }, sourceType: 'double precision',
      samples: [
        ["'5e-324'", 5e-324],
        ["'1.7976931348623157e+308'", Number.MAX_VALUE],
        ["'-0'", -0],
        ["'Infinity'", Infinity],
        ["'0.1'", 0.1],
        ["'-2.2250738585072014e-308'", -2.2250738585072014e-308],
        ["'NaN'", NaN],
      ],
    },
    {
      name: 'c_text', sql: 'text', type: { kind: 'string' }, sourceType: 'text',
      samples: [["''", ''], ["'NULL'", 'NULL'], ["E'tab\\tquote\"back\\\\slash\\nnl'", 'tab\tquote"back\\slash\nnl'], ["'日本語 😀'", '日本語 😀']],
    },
    { name: 'c_vc', sql: 'varchar(40)', type: { kind: 'string', maxLength: 40 }, sourceType: 'character varying(40)', samples: [["'hello world'", 'hello world']] },
    { name: 'c_bpchar', sql: 'char(5)', type: { kind: 'string', maxLength: 5, fixed: true }, sourceType: 'character(5)', samples: [["'ab'", 'ab   ']] },
    { name: 'c_char', sql: '"char"', type: { kind: 'string' }, sourceType: '"char"', samples: [["'a'", 'a'], ["'é'", '\\303'], ["'\\'", '\\']] },
    { name: 'c_name', sql: 'name', type: { kind: 'string' }, sourceType: 'name', samples: [["'pg_catalog'", 'pg_catalog']] },
    {
      name: 'c_bytea', sql: 'bytea', type: { kind: 'bytes' }, sourceType: 'bytea',
      samples: [["'\\x'", Buffer.alloc(0)], ["'\\x00ff10'", Buffer.from([0, 255, 16])], ["decode(repeat('ab', 1000), 'hex')", Buffer.alloc(1000, 0xab)]],
    },
    {
      name: 'c_date', sql: 'date', type: { kind: 'date' }, sourceType: 'date',
      samples: [
        ["'4713-11-24 BC'", -2440222],
        ["'5874897-12-31'", 2145042905],
        ["'2024-02-29'", 19782],
        ["'infinity'", 'infinity'],
        ["'-infinity'", '-infinity'],
        ["'0044-03-15 BC'", -735160],
      ],
    },
    {
      name: 'c_time', sql: 'time', type: { kind: 'time' }, sourceType: 'time without time zone',
      samples: [["'24:00:00'", DAY], ["'00:00:00'", 0n], ["'23:59:59.999999'", DAY - 1n]],
    },
    { name: 'c_time3', sql: 'time(3)', type: { kind: 'time' }, sourceType: 'time(3) without time zone', samples: [["'12:34:56.78951'", 45_296_790_000n]] },
    {
      name: 'c_timetz', sql: 'timetz', type: { kind: 'timetz' }, sourceType: 'time with time zone',
      samples: [
        ["'12:00:00.5+05:30:15'", { micros: 43_200_500_000n, offsetSeconds: 19_815 }],
        ["'24:00:00-15:59'", { micros: DAY, offsetSeconds: -57_540 }],
        ["'00:00:00+00'", { micros: 0n, offsetSeconds: 0 }],
      ],
    },
    {
      name: 'c_ts', sql: 'timestamp', type: { kind: 'timestamp' }, sourceType: 'timestamp without time zone',
      samples: [
        ["'294276-12-31 23:59:59.999999'", 106762939n * DAY + DAY - 1n],
        ["'4713-11-24 00:00:00 BC'", -2440222n * DAY],
        ["'infinity'", 'infinity'],
        ["'0044-03-15 12:30:00.5 BC'", -63_517_778_999_500_000n],
        ["'1969-12-31 23:59:59.999999'", -1n],
      ],
    },
    {
      name: 'c_ts3', sql: 'timestamp(3)', type: { kind: 'timestamp' }, sourceType: 'timestamp(3) without time zone',
      samples: [["'2024-02-29 12:34:56.1235'", 1_709_210_096_124_000n]],
    },
    {
      name: 'c_tstz', sql: 'timestamptz', type: { kind: 'timestamptz' }, sourceType: 'timestamp with time zone',
      samples: [
        ["'2024-02-29 14:34:56.123456+02'", 1_709_210_096_123_456n],
        ["'294276-12-31 23:59:59.999999+00'", 106762939n * DAY + DAY - 1n],
        ["'4713-11-24 00:00:00+00 BC'", -2440222n * DAY],
        ["'-infinity'", '-infinity'],
      ],
    },
    {
      name: 'c_iv', sql: 'interval', type: { kind: 'interval' }, sourceType: 'interval',
      samples: [
        ["'-1 years +2 mons -3 days +04:05:06.789'", { months: -10, days: -3, micros: 14_706_789_000n }],
        ["'0'", { months: 0, days: 0, micros: 0n }],
        ["'P178956970Y7M2147483647DT2562047788H54.775806S'", { months: 2147483647, days: 2147483647, micros: 9223372036854775806n }],
        ["'P-178956970Y-8M-2147483648DT-2562047788H-54.775807S'", { months: -2147483648, days: -2147483648, micros: -9223372036854775807n }],
        ["'-0.5 seconds'", { months: 0, days: 0, micros: -500_000n }],
        ...intervalInfinity,
      ],
    },
    { name: 'c_uuid', sql: 'uuid', type: { kind: 'uuid' }, sourceType: 'uuid', samples: [["'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']] },
    { name: 'c_json', sql: 'json', type: { kind: 'json' }, sourceType: 'json', samples: [[`'{"b": 1,  "a" : [1,2]}'`, '{"b": 1,  "a" : [1,2]}']] },
    {
      name: 'c_jsonb', sql: 'jsonb', type: { kind: 'json', binary: true }, sourceType: 'jsonb',
      samples: [[`'{"b": 1,  "a" : [1,2], "c": "é\\"q"}'`, '{"a": [1, 2], "b": 1, "c": "é\\"q"}']],
    },
    { name: 'c_mood', sql: MOOD, type: moodType, sourceType: `${names.schema}.${MOOD}`, samples: [["'happy'", 'happy'], ["'sad'", 'sad']] },
    { name: 'c_code', sql: CODE, type: { kind: 'string', maxLength: 8 }, sourceType: `${names.schema}.${CODE}`, samples: [["'abc'", 'abc']] },
    {
      name: 'c_inet', sql: 'inet', type: { kind: 'string' }, sourceType: 'inet',
      samples: [["'10.0.0.1/32'", '10.0.0.1'], ["'::1/128'", '::1'], ["'192.168.0.0/16'", '192.168.0.0/16']],
    },
    { name: 'c_oid', sql: 'oid', type: { kind: 'int64' }, sourceType: 'oid', samples: [["'4294967295'", 4294967295n]] },
    { name: 'c_xml', sql: 'xml', type: { kind: 'string' }, sourceType: 'xml', samples: [[`'<a b="1">x &amp; y</a>'`, '<a b="1">x &amp; y</a>']] },
    { name: 'c_bit', sql: 'bit(3)', type: { kind: 'string' }, sourceType: 'bit(3)', samples: [["B'101'", '101']] },
    {
      name: 'c_tsr', sql: 'tstzrange', type: { kind: 'string' }, sourceType: 'tstzrange',
      samples: [["'[2024-01-01 00:00:00+02,2024-02-01 00:00:00+00)'", '["2023-12-31 22:00:00+00","2024-02-01 00:00:00+00")']],
    },
    { name: 'c_point', sql: 'point', type: { kind: 'string' }, sourceType: 'point', samples: [["'(1.5,-0.1)'", '(1.5,-0.1)']] },
    {
      name: 'c_i4arr', sql: 'int4[]', type: arr({ kind: 'int32' }), sourceType: 'integer[]',
      samples: [["'{}'", []], ["'{1,NULL,-3}'", [1, null, -3]], ['ARRAY[2147483647]', [2147483647]]],
    },
    {
      name: 'c_textarr', sql: 'text[]', type: arr({ kind: 'string' }), sourceType: 'text[]',
      samples: [
        [
          "ARRAY['', 'NULL', NULL, 'a \"q\"', 'b\\c', ' s ', '{x}', 'a,b', 'é😀', E'nl\\n', 'null']",
          ['', 'NULL', null, 'a "q"', 'b\\c', ' s ', '{x}', 'a,b', 'é😀', 'nl\n', 'null'],
        ],
      ],
    },
    { name: 'c_vcarr', sql: 'varchar(7)[]', type: arr({ kind: 'string', maxLength: 7 }), sourceType: 'character varying(7)[]', samples: [["'{abc}'", ['abc']]] },
    { name: 'c_moodarr', sql: `${MOOD}[]`, type: arr(moodType), sourceType: `${names.schema}.${MOOD}[]`, samples: [["'{sad,happy}'", ['sad', 'happy']]] },
    {
      name: 'c_numarr', sql: 'numeric(5,2)[]', type: arr({ kind: 'decimal', precision: 5, scale: 2 }), sourceType: 'numeric(5,2)[]',
      samples: [["'{1.5,NaN,NULL}'", ['1.50', 'NaN', null]]],
    },
    {
      name: 'c_tstzarr', sql: 'timestamptz[]', type: arr({ kind: 'timestamptz' }), sourceType: 'timestamp with time zone[]',
      samples: [["ARRAY['2024-02-29 12:34:56.5+00'::timestamptz, 'infinity']", [1_709_210_096_500_000n, 'infinity']]],
    },
    {
      name: 'c_byteaarr', sql: 'bytea[]', type: arr({ kind: 'bytes' }), sourceType: 'bytea[]',
      samples: [["ARRAY['\\x00ff'::bytea, NULL, '\\x'::bytea]", [Buffer.from([0, 255]), null, Buffer.alloc(0)]]],
    },
    { name: 'c_codearr', sql: `${CODE}[]`, type: arr({ kind: 'string', maxLength: 8 }), sourceType: `${names.schema}.${CODE}[]`, samples: [["ARRAY['x', 'y z']", ['x', 'y z']]] },
    { name: 'c_darr', sql: DARR, type: arr({ kind: 'int64' }), sourceType: `${names.schema}.${DARR}`, samples: [["'{9223372036854775807,-9223372036854775808}'", [9223372036854775807n, -9223372036854775808n]]] },
    {
      name: 'c_jsonbarr', sql: 'jsonb[]', type: arr({ kind: 'json', binary: true }), sourceType: 'jsonb[]',
      samples: [[`ARRAY['{"a": "\\"q\\\\"}'::jsonb, NULL]`, ['{"a": "\\"q\\\\"}', null]]],
    },
    {
      name: 'c_ivarr', sql: 'interval[]', type: arr({ kind: 'interval' }), sourceType: 'interval[]',
      samples: [["'{1 day,\"-1 days +00:00:01\"}'", [{ months: 0, days: 1, micros: 0n }, { months: 0, days: -1, micros: 1_000_000n }]]],
    },
    { name: 'c_datearr', sql: 'date[]', type: arr({ kind: 'date' }), sourceType: 'date[]', samples: [["'{\"0044-03-15 BC\",2024-02-29}'", [-735160, 19782]]] },
    { name: 'c_f4arr', sql: 'float4[]', type: arr({ kind: 'float32' }), sourceType: 'real[]', samples: [["'{NaN,-0,1.1754944e-38}'", [NaN, -0, 2 ** -126]]] },
  ];
}

