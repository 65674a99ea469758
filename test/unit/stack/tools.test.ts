import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, isTandemError } from '../../../src/errors.js';
import { findTool, missingToolMessage, requireTool, TOOLS } from '../../../src/stack/tools.js';

describe('findTool', () => {
  it('finds an executable on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-tools-'));
    writeFileSync(join(dir, 'mvn'), '#!/bin/sh\n');
    chmodSync(join(dir, 'mvn'), 0o755);
    expect(findTool(TOOLS.mvn, `/nonexistent:${dir}`)).toBe(join(dir, 'mvn'));
  });

  it('ignores files that are not executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-tools-'));
    writeFileSync(join(dir, 'mvn'), '');
    chmodSync(join(dir, 'mvn'), 0o644);
    expect(findTool(TOOLS.mvn, dir)).toBeUndefined();
  });
});

describe('requireTool', () => {
  const savedPath = process.env['PATH'];
  afterEach(() => {
    process.env['PATH'] = savedPath;
  });

  it('names the Debian package when a tool is missing', () => {
    process.env['PATH'] = '/nonexistent';
    let caught: unknown;
    try {
      requireTool('mvn');
    } catch (error) {
      caught = error;
    }
    expect(isTandemError(caught, ErrorCodes.STACK_TOOL_MISSING)).toBe(true);
    expect((caught as Error).message).toContain('apt-get install maven');
  });
});

describe('missingToolMessage', () => {
  it.each([
    ['initdb', 'postgresql-15'],
    ['pgCtl', 'postgresql-15'],
    ['mariadbd', 'mariadb-server'],
    ['mariadbInstallDb', 'mariadb-server'],
    ['java', 'openjdk-17-jre-headless'],
    ['mvn', 'maven'],
  ] as const)('%s → %s', (key, debianPackage) => {
    expect(missingToolMessage(TOOLS[key])).toContain(`apt-get install ${debianPackage}`);
  });
});
