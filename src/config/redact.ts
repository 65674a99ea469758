import type { ConnectionConfig, TandemConfig } from './schema.js';

/** A copy of the config safe to log: passwords and credentials inside URLs are replaced by ***. */
export function redactConfig(config: TandemConfig): TandemConfig {
  return { ...config, nodes: config.nodes.map((node) => ({ ...node, connection: redactConnection(node.connection) })) };
}

export function redactConnection(connection: ConnectionConfig): ConnectionConfig {
  if ('url' in connection) return { url: redactUrl(connection.url) };
  return connection.password === undefined ? connection : { ...connection, password: '***' };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}
