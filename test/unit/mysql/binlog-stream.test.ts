import { describe, expect, it } from 'vitest';
import type { BinlogConnection, BinlogSink, DumpCommand } from '../../../src/mysql/binlog-connection.js';
import { BinlogStream, type BinlogHandler } from '../../../src/mysql/binlog-stream.js';

/** A connection that hands the stream whatever events the test pushes, and records pause/resume. */
class FakeConnection {
  sink: BinlogSink | undefined;
  paused = false;
  pauses = 0;
  closed = false;
  startDump(_command: DumpCommand, sink: BinlogSink): void {
    this.sink = sink;
  }
  pause(): void {
    if (!this.paused) this.pauses++;
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): void {
    this.closed = true;
  }
}

function event(type: number, body: Buffer, logPos = 100): Buffer {
  const h = Buffer.alloc(19);
  h[4] = type;
  h.writeUInt32LE(1, 5);
  h.writeUInt32LE(19 + body.length, 9);
  h.writeUInt32LE(logPos, 13);
  return Buffer.concat([h, body]);
}

function mariadbGtid(seq: number): Buffer {
  const b = Buffer.alloc(13);
  b.writeBigUInt64LE(BigInt(seq), 0);
  return event(162, b);
}

const xid = (logPos: number) => event(16, Buffer.alloc(8), logPos);

describe('BinlogStream', () => {
  it('delivers transactions in order and pauses the socket while a slow handler has too much queued', async () => {
    const connection = new FakeConnection();
    const seen: string[] = [];
    let release: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const handler: BinlogHandler = {
      onTransactionStart: (tx) => {
        seen.push(`begin ${tx.gtidText}`);
      },
      onTableMap: () => undefined,
      onRows: () => undefined,
      onStatement: () => undefined,
      onCommit: async (tx, _file, offset) => {
        seen.push(`commit ${tx.gtidText} @${offset}`);
        await gate;
      },
    };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const stream = new BinlogStream(connection as unknown as BinlogConnection, handler, { highWaterBytes: 200 });
    const running = stream.run({ kind: 'file', serverId: 1, file: '', position: 4 }, stopped);
    for (let i = 1; i <= 10; i++) {
      connection.sink!.onEvent(mariadbGtid(i));
      connection.sink!.onEvent(xid(100 * i));
    }
    expect(seen).toEqual(['begin 0-1-1', 'commit 0-1-1 @100']);
    expect(connection.paused).toBe(true);
    release();
    gate = Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(20);
    expect(seen.at(-1)).toBe('commit 0-1-10 @1000');
    expect(connection.paused).toBe(false);
    expect(connection.pauses).toBe(1);
    stop();
    await running;
    expect(connection.closed).toBe(true);
  });

  it('refuses events it cannot decode faithfully, naming the setting', async () => {
    const connection = new FakeConnection();
    const noop = () => undefined;
    const stream = new BinlogStream(connection as unknown as BinlogConnection, { onTransactionStart: noop, onTableMap: noop, onRows: noop, onStatement: noop, onCommit: noop });
    const running = stream.run({ kind: 'file', serverId: 1, file: '', position: 4 }, new Promise(() => undefined));
    connection.sink!.onEvent(event(40, Buffer.alloc(10)));
    await expect(running).rejects.toThrow(/binlog_transaction_compression=OFF/);
  });

  it('turns error 1236 into a non-retryable lost-position error', async () => {
    const connection = new FakeConnection();
    const noop = () => undefined;
    const stream = new BinlogStream(connection as unknown as BinlogConnection, { onTransactionStart: noop, onTableMap: noop, onRows: noop, onStatement: noop, onCommit: noop });
    const running = stream.run({ kind: 'file', serverId: 1, file: '', position: 4 }, new Promise(() => undefined));
    connection.sink!.onEnd({ errno: 1236, sqlState: 'HY000', message: 'Could not find GTID state requested by slave in any binlog files' });
    await expect(running).rejects.toMatchObject({ code: 'TANDEM_MYSQL_POSITION_LOST', canRetry: false });
  });
});
