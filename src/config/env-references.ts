import { ErrorCodes, TandemError } from '../errors.js';

/**
 * Secrets stay out of the config file: any string value may be, or contain, `${env:NAME}`, replaced by
 * the environment variable NAME at load time. `$${` escapes a literal `${`.
 */
const REFERENCE = /\$(\$)?\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function substituteEnvReferences(value: unknown, env: NodeJS.ProcessEnv, path: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, escaped: string | undefined, name: string) => {
      if (escaped) return `\${env:${name}}`;
      const resolved = env[name];
      if (resolved === undefined) {
        throw new TandemError(
          ErrorCodes.CONFIG_ENV_MISSING,
          `config key "${path.join('.')}" refers to environment variable ${name}, which is not set; export ${name} before starting Tandem`,
        );
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnvReferences(item, env, [...path, String(i)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnvReferences(item, env, [...path, key])]),
    );
  }
  return value;
}
