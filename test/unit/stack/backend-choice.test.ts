import { describe, expect, it } from 'vitest';
import { ErrorCodes, isTandemError } from '../../../src/errors.js';
import { chooseBackend, parseBackendSetting } from '../../../src/stack/backend-choice.js';

describe('parseBackendSetting', () => {
  it('defaults to auto', () => {
    expect(parseBackendSetting(undefined)).toBe('auto');
    expect(parseBackendSetting('')).toBe('auto');
  });

  it('accepts local, docker and auto in any case', () => {
    expect(parseBackendSetting('local')).toBe('local');
    expect(parseBackendSetting(' Docker ')).toBe('docker');
    expect(parseBackendSetting('AUTO')).toBe('auto');
  });

  it('rejects anything else with CONFIG_INVALID', () => {
    expect(() => parseBackendSetting('podman')).toThrow(/TANDEM_STACK_BACKEND=podman/);
    try {
      parseBackendSetting('podman');
    } catch (error) {
      expect(isTandemError(error, ErrorCodes.CONFIG_INVALID)).toBe(true);
    }
  });
});

describe('chooseBackend', () => {
  it('auto uses Docker only when an engine answers', () => {
    expect(chooseBackend('auto', true)).toBe('docker');
    expect(chooseBackend('auto', false)).toBe('local');
  });

  it('local never uses Docker', () => {
    expect(chooseBackend('local', true)).toBe('local');
  });

  it('docker without an engine is an error, not a silent fallback', () => {
    expect(chooseBackend('docker', true)).toBe('docker');
    let caught: unknown;
    try {
      chooseBackend('docker', false);
    } catch (error) {
      caught = error;
    }
    expect(isTandemError(caught, ErrorCodes.STACK_TOOL_MISSING)).toBe(true);
    expect((caught as Error).message).toContain('docker info');
  });
});

describe('combineFailures', () => {
  it('passes a single failure through and merges several', async () => {
    const { combineFailures } = await import('../../../src/stack/local-backend.js');
    const { TandemError } = await import('../../../src/errors.js');
    const one = new TandemError(ErrorCodes.STACK_TOOL_MISSING, 'mvn not found');
    expect(combineFailures([one])).toBe(one);
    const sameCode = combineFailures([one, new TandemError(ErrorCodes.STACK_TOOL_MISSING, 'java not found')]);
    expect(isTandemError(sameCode, ErrorCodes.STACK_TOOL_MISSING)).toBe(true);
    expect((sameCode as Error).message).toBe('mvn not found\n\njava not found');
    const mixed = combineFailures([one, new Error('boom')]);
    expect(isTandemError(mixed, ErrorCodes.STACK_START_FAILED)).toBe(true);
  });
});
