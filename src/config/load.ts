import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ErrorCodes, TandemError } from '../errors.js';
import { substituteEnvReferences } from './env-references.js';
import { configSchema, type TandemConfig } from './schema.js';

/** Reads, substitutes `${env:…}` references in, and validates a tandem.yaml. Any problem stops here. */
export async function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<TandemConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TandemError(ErrorCodes.CONFIG_INVALID, `cannot read config file ${path}: ${(cause as Error).message}; pass an existing file with --config`, { cause });
  }
  return parseConfigText(text, path, env);
}

export function parseConfigText(text: string, sourceName: string, env: NodeJS.ProcessEnv = process.env): TandemConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    const detail = cause instanceof YAMLParseError ? cause.message : String(cause);
    throw new TandemError(ErrorCodes.CONFIG_INVALID, `${sourceName} is not valid YAML: ${detail}`, { cause });
  }
  return validateConfig(substituteEnvReferences(raw, env), sourceName);
}

export function validateConfig(raw: unknown, sourceName = 'config'): TandemConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, raw));
  throw new TandemError(ErrorCodes.CONFIG_INVALID, `${sourceName} is invalid:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  const value = valueAt(raw, issue.path);
  const shown = value === undefined ? 'missing' : `got ${JSON.stringify(redactIfSecret(issue.path, value))}`;
  return `${key}: ${issue.message} (${shown})`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

const SECRET_KEYS = new Set(['password', 'url']);

function redactIfSecret(path: readonly PropertyKey[], value: unknown): unknown {
  const last = path[path.length - 1];
  return typeof last === 'string' && SECRET_KEYS.has(last) ? '***' : value;
}
