import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastLines, readLogTail, withLogTails } from '../../../src/stack/log-tail.js';

describe('log tails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-log-'));
  const log = join(dir, 'server.log');
  writeFileSync(log, Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n') + '\n\n');

  it('keeps the last lines, dropping trailing blank lines', () => {
    expect(lastLines('a\nb\nc\n\n', 2)).toBe('b\nc');
  });

  it('reads only the end of a file', async () => {
    expect(await readLogTail(log, 3)).toBe('line 98\nline 99\nline 100');
    expect(await readLogTail(join(dir, 'missing.log'))).toBe('');
  });

  it('quotes each non-empty log under the message', async () => {
    const message = await withLogTails('Kafka did not start.', [join(dir, 'missing.log'), log]);
    expect(message.startsWith('Kafka did not start.\n--- last lines of ')).toBe(true);
    expect(message).toContain('line 100');
    expect(message).not.toContain('missing.log');
  });
});
