import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { isTandemError, ErrorCodes } from '../../../src/errors.js';
import {
  crc64Avro,
  fingerprintToHex,
  parsingCanonicalForm,
  WriterSchemaCache,
  bigintLongType,
} from '../../../src/avro/index.js';
import { benchTable } from '../../../src/avro/bench-encode.js';

/**
 * Inputs, canonical forms and fingerprints (Java signed longs) from the Avro project's shared test
 * data, share/test/data/schema-tests.txt (cross-checked there against the Java implementation).
 */
const SPEC_CASES: Array<{ input: string; canonical: string; fingerprint?: bigint }> = [
  { input: '"null"', canonical: '"null"', fingerprint: 7195948357588979594n },
  { input: '{"type":"null"}', canonical: '"null"' },
  { input: '"boolean"', canonical: '"boolean"', fingerprint: -6970731678124411036n },
  { input: '{"type":"boolean"}', canonical: '"boolean"' },
  { input: '"int"', canonical: '"int"', fingerprint: 8247732601305521295n },
  { input: '{"type":"int"}', canonical: '"int"' },
  { input: '"long"', canonical: '"long"', fingerprint: -3434872931120570953n },
  { input: '{"type":"long"}', canonical: '"long"' },
  { input: '"float"', canonical: '"float"', fingerprint: 5583340709985441680n },
  { input: '{"type":"float"}', canonical: '"float"' },
  { input: '"double"', canonical: '"double"', fingerprint: -8181574048448539266n },
  { input: '{"type":"double"}', canonical: '"double"' },
  { input: '"bytes"', canonical: '"bytes"', fingerprint: 5746618253357095269n },
  { input: '{"type":"bytes"}', canonical: '"bytes"' },
  { input: '"string"', canonical: '"string"', fingerprint: -8142146995180207161n },
  { input: '{"type":"string"}', canonical: '"string"' },
  { input: '[  ]', canonical: '[]', fingerprint: -1241056759729112623n },
  { input: '[ "int"  ]', canonical: '["int"]', fingerprint: -5232228896498058493n },
  { input: '[ "int" , {"type":"boolean"} ]', canonical: '["int","boolean"]', fingerprint: 5392556393470105090n },
  {
    input: '{"fields":[], "type":"record", "name":"foo"}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: -4824392279771201922n,
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    canonical: '{"name":"x.y.foo","type":"record","fields":[]}',
    fingerprint: 5916914534497305771n,
  },
  {
    input: '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    canonical: '{"name":"a.b.foo","type":"record","fields":[]}',
    fingerprint: -4616218487480524110n,
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: -4824392279771201922n,
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: -4824392279771201922n,
  },
  {
    input: '{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}',
    canonical: '{"name":"foo","type":"record","fields":[]}',
    fingerprint: -4824392279771201922n,
  },
  {
    input: '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    canonical: '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    fingerprint: 7843277075252814651n,
  },
  {
    input: `{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"},
                {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
             "type":"record", "name":"foo" }`,
    canonical: '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    fingerprint: -4860222112080293046n,
  },
  {
    input: '{"type":"enum", "name":"foo", "symbols":["A1"]}',
    canonical: '{"name":"foo","type":"enum","symbols":["A1"]}',
    fingerprint: -6342190197741309591n,
  },
  {
    input: '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    canonical: '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    fingerprint: -4448647247586288245n,
  },
  {
    input: '{"name":"foo","type":"fixed","size":15}',
    canonical: '{"name":"foo","type":"fixed","size":15}',
    fingerprint: 1756455273707447556n,
  },
  {
    input: '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    canonical: '{"name":"x.y.z.foo","type":"fixed","size":32}',
    fingerprint: -3064184465700546786n,
  },
  {
    input: '{ "items":{"type":"null"}, "type":"array"}',
    canonical: '{"type":"array","items":"null"}',
    fingerprint: -589620603366471059n,
  },
  {
    input: '{ "values":"string", "type":"map"}',
    canonical: '{"type":"map","values":"string"}',
    fingerprint: -8732877298790414990n,
  },
  {
    input: `{"name":"PigValue","type":"record",
             "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}`,
    canonical:
      '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    fingerprint: -1759257747318642341n,
  },
];

describe('CRC-64-AVRO', () => {
  it('fingerprints the empty string as 0xc15d213aa4d7a795 (the spec’s EMPTY)', () => {
    expect(crc64Avro('')).toBe(0xc15d213aa4d7a795n);
    expect(fingerprintToHex(crc64Avro(new Uint8Array()))).toBe('c15d213aa4d7a795');
  });

  it.each(SPEC_CASES.filter((c) => c.fingerprint !== undefined))('matches the Avro test vector for $canonical', (c) => {
    expect(BigInt.asIntN(64, crc64Avro(c.canonical))).toBe(c.fingerprint);
  });

  it('hashes strings as their UTF-8 bytes', () => {
    expect(crc64Avro('é😀')).toBe(crc64Avro(Buffer.from('é😀', 'utf8')));
  });

  it('renders fingerprints as 16 hex digits, most significant first', () => {
    expect(fingerprintToHex(0x1n)).toBe('0000000000000001');
    expect(fingerprintToHex(-1n)).toBe('ffffffffffffffff');
  });
});

describe('Parsing Canonical Form', () => {
  it.each(SPEC_CASES)('turns $input into $canonical', (c) => {
    expect(parsingCanonicalForm(JSON.parse(c.input))).toBe(c.canonical);
  });

  it('qualifies nested names with the enclosing namespace and references by full name', () => {
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'a.b',
      doc: 'dropped',
      'tandem.custom': { dropped: true },
      fields: [
        { name: 'e', type: { type: 'enum', name: 'Color', symbols: ['RED'], default: 'RED' } },
        { name: 'e2', type: 'Color' },
        { name: 'g', type: { type: 'enum', name: 'Global', namespace: '', symbols: ['X'] } },
        { name: 'g2', type: 'Global' },
        { name: 'l', type: { type: 'long', logicalType: 'timestamp-micros' }, default: 0 },
        { name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 5, scale: 2 } },
      ],
    };
    expect(parsingCanonicalForm(schema)).toBe(
      '{"name":"a.b.Outer","type":"record","fields":[' +
        '{"name":"e","type":{"name":"a.b.Color","type":"enum","symbols":["RED"]}},' +
        '{"name":"e2","type":"a.b.Color"},' +
        '{"name":"g","type":{"name":"Global","type":"enum","symbols":["X"]}},' +
        '{"name":"g2","type":"Global"},' +
        '{"name":"l","type":"long"},' +
        '{"name":"d","type":"bytes"}]}',
    );
  });

  it('rejects references to undefined names and duplicate definitions', () => {
    const undefinedRef = () => parsingCanonicalForm({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'Nope' }] });
    expect(undefinedRef).toThrow();
    try {
      undefinedRef();
    } catch (error) {
      expect(isTandemError(error, ErrorCodes.AVRO_SCHEMA)).toBe(true);
    }
    const twice = { type: 'enum', name: 'E', symbols: ['A'] };
    expect(() => parsingCanonicalForm(['null', twice, twice])).toThrow();
  });

  it('agrees with avsc’s canonical schema output for a full change-event writer schema', () => {
    const writer = new WriterSchemaCache().writerFor(benchTable);
    const reparsed = avsc.Type.forSchema(JSON.parse(writer.schemaJson) as avsc.Schema, {
      wrapUnions: 'never',
      typeHook: (s) => (s === 'long' || (typeof s === 'object' && (s as { type?: unknown }).type === 'long') ? bigintLongType : undefined),
    });
    expect(writer.canonicalJson).toBe(JSON.stringify(reparsed.schema()));
    expect(writer.canonicalJson).not.toContain('doc');
    expect(writer.canonicalJson).not.toContain('"tandem.');
    expect(writer.canonicalJson).not.toContain('logicalType');
    expect(writer.fingerprint).toBe(crc64Avro(writer.canonicalJson));
  });
});
