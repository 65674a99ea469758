import { describe, expect, it } from 'vitest';
import { decodePgoutput } from '../../../../src/postgres/pgoutput/decoder.js';
import { formatLsn, parseLsn } from '../../../../src/postgres/pgoutput/lsn.js';
import { UNCHANGED_TOAST } from '../../../../src/postgres/pgoutput/messages.js';
import { isTandemError } from '../../../../src/errors.js';
import { WireBuilder } from './wire-builder.js';

const PG_EPOCH_MICROS = 946_684_800_000_000n;

describe('decodePgoutput', () => {
  it('decodes Begin with the commit time converted to the Unix epoch, exactly to the microsecond', () => {
    const buf = new WireBuilder().char('B').int64(0x16b374d848n).int64(123_456_789_012_345n).uint32(4_000_000_000).build();
    expect(decodePgoutput(buf)).toEqual({ tag: 'begin', finalLsn: 0x16b374d848n, commitTimeMicros: 123_456_789_012_345n + PG_EPOCH_MICROS, xid: 4_000_000_000 });
  });

  it('decodes Commit with both LSNs', () => {
    const buf = new WireBuilder().char('C').byte(0).int64(100n).int64(180n).int64(-5n).build();
    expect(decodePgoutput(buf)).toEqual({ tag: 'commit', flags: 0, commitLsn: 100n, endLsn: 180n, commitTimeMicros: PG_EPOCH_MICROS - 5n });
  });

  it('decodes Relation, mapping an empty namespace to pg_catalog and key flags per column', () => {
    const buf = new WireBuilder()
      .char('R').uint32(16384).cstring('').cstring('odd "name" ✓').char('f').int16(2)
      .byte(1).cstring('id').uint32(20).int32(-1)
      .byte(0).cstring('amount').uint32(1700).int32(0x000c0006)
      .build();
    expect(decodePgoutput(buf)).toEqual({
      tag: 'relation',
      relationOid: 16384,
      schema: 'pg_catalog',
      table: 'odd "name" ✓',
      replicaIdentity: 'full',
      columns: [
        { isKey: true, name: 'id', typeOid: 20, typeMod: -1 },
        { isKey: false, name: 'amount', typeOid: 1700, typeMod: 0x000c0006 },
      ],
    });
  });

  it('decodes Insert tuples with text, NULL and multi-byte UTF-8 values', () => {
    const buf = new WireBuilder().char('I').uint32(7).char('N').int16(3).text('42').char('n').text('héllo 🎉').build();
    expect(decodePgoutput(buf)).toEqual({ tag: 'insert', relationOid: 7, newTuple: ['42', null, 'héllo 🎉'] });
  });

  it('keeps unchanged TOAST values distinct from NULL in Update', () => {
    const buf = new WireBuilder().char('U').uint32(7).char('O').int16(2).text('1').text('old').char('N').int16(2).text('1').char('u').build();
    const msg = decodePgoutput(buf);
    expect(msg).toEqual({ tag: 'update', relationOid: 7, oldKind: 'old', oldTuple: ['1', 'old'], newTuple: ['1', UNCHANGED_TOAST] });
  });

  it('decodes Update without an old tuple and with a key tuple', () => {
    expect(decodePgoutput(new WireBuilder().char('U').uint32(7).char('N').int16(1).text('x').build())).toMatchObject({ oldKind: null, oldTuple: null, newTuple: ['x'] });
    expect(decodePgoutput(new WireBuilder().char('U').uint32(7).char('K').int16(1).text('a').char('N').int16(1).text('b').build())).toMatchObject({ oldKind: 'key', oldTuple: ['a'], newTuple: ['b'] });
  });

  it('decodes Delete and Truncate', () => {
    expect(decodePgoutput(new WireBuilder().char('D').uint32(9).char('K').int16(1).text('5').build())).toEqual({ tag: 'delete', relationOid: 9, oldKind: 'key', oldTuple: ['5'] });
    expect(decodePgoutput(new WireBuilder().char('T').uint32(2).byte(3).uint32(9).uint32(10).build())).toEqual({ tag: 'truncate', cascade: true, restartIdentity: true, relationOids: [9, 10] });
  });

  it('decodes Origin and logical Message', () => {
    expect(decodePgoutput(new WireBuilder().char('O').int64(77n).cstring('tandem_shop').build())).toEqual({ tag: 'origin', originLsn: 77n, name: 'tandem_shop' });
    expect(decodePgoutput(new WireBuilder().char('M').byte(1).int64(5n).cstring('tandem.heartbeat').int32(2).raw(Buffer.from('hi')).build())).toEqual({
      tag: 'message', transactional: true, lsn: 5n, prefix: 'tandem.heartbeat', content: Buffer.from('hi'),
    });
  });

  it('rejects truncated messages, unknown tags and binary values with a protocol error', () => {
    for (const buf of [
      new WireBuilder().char('B').int64(1n).build(),
      new WireBuilder().char('Z').build(),
      new WireBuilder().char('I').uint32(7).char('N').int16(1).char('b').int32(1).byte(0).build(),
      new WireBuilder().char('I').uint32(7).char('N').int16(1).char('t').int32(10).raw(Buffer.from('abc')).build(),
    ]) {
      let caught: unknown;
      try {
        decodePgoutput(buf);
      } catch (e) {
        caught = e;
      }
      expect(isTandemError(caught, 'TANDEM_PG_PROTOCOL')).toBe(true);
    }
  });
});

describe('LSN', () => {
  it('parses and formats as PostgreSQL writes it', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
    expect(formatLsn(0x16b374d848n)).toBe('16/B374D848');
    expect(formatLsn(parseLsn('0/0'))).toBe('0/0');
    expect(formatLsn(parseLsn('FFFFFFFF/FFFFFFFF'))).toBe('FFFFFFFF/FFFFFFFF');
    expect(() => parseLsn('16B374D848')).toThrow(/not a PostgreSQL LSN/);
  });
});
