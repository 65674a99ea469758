import { describe, expect, it } from 'vitest';
import { renderStatusTable } from '../../../src/stack/status-table.js';

describe('renderStatusTable', () => {
  it('aligns columns and shows - for a missing pid', () => {
    const table = renderStatusTable('local', [
      { name: 'postgres', state: 'running', pid: 1234, port: 54329, url: 'postgres://tandem:tandem@127.0.0.1:54329/tandem' },
      { name: 'kafka', state: 'stopped', pid: null, port: 19092, url: 'kafka://127.0.0.1:19092' },
    ]);
    expect(table.split('\n')).toEqual([
      'backend: local',
      'SERVICE   STATE    PID   PORT   URL',
      'postgres  running  1234  54329  postgres://tandem:tandem@127.0.0.1:54329/tandem',
      'kafka     stopped  -     19092  kafka://127.0.0.1:19092',
    ]);
  });
});
