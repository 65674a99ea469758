import type { ClientConfig } from 'pg';
import type { ConnectionConfig } from '../config/schema.js';

/** pg client settings for a configured connection (URL or fields). */
export function pgClientConfig(connection: ConnectionConfig, extra: Partial<ClientConfig> = {}): ClientConfig {
  const base: ClientConfig =
    'url' in connection
      ? { connectionString: connection.url }
      : { host: connection.host, port: connection.port, user: connection.user, password: connection.password, database: connection.database };
  return { ...base, application_name: 'tandem', ...extra };
}
