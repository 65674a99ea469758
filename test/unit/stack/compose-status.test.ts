import { describe, expect, it } from 'vitest';
import { containerStateToServiceState, parseComposePs } from '../../../src/stack/compose-status.js';

describe('parseComposePs', () => {
  it('reads one JSON object per line (Compose >= 2.21)', () => {
    const output = [
      JSON.stringify({ Service: 'postgres', State: 'running', Health: 'healthy' }),
      JSON.stringify({ Service: 'kafka', State: 'paused' }),
      '',
    ].join('\n');
    expect(parseComposePs(output)).toEqual(
      new Map([
        ['postgres', 'running'],
        ['kafka', 'paused'],
      ]),
    );
  });

  it('reads a JSON array (older Compose)', () => {
    expect(parseComposePs(JSON.stringify([{ Service: 'mysql', State: 'exited' }]))).toEqual(new Map([['mysql', 'exited']]));
  });

  it('treats empty output as no containers', () => {
    expect(parseComposePs('  \n')).toEqual(new Map());
  });
});

describe('containerStateToServiceState', () => {
  it('maps container states, trusting a real round trip for "running"', () => {
    expect(containerStateToServiceState('running', true)).toBe('running');
    expect(containerStateToServiceState('running', false)).toBe('unresponsive');
    expect(containerStateToServiceState('paused', false)).toBe('paused');
    expect(containerStateToServiceState('exited', false)).toBe('stopped');
    expect(containerStateToServiceState(undefined, false)).toBe('stopped');
  });
});
