import { describe, expect, it } from 'vitest';
import {
  installDbArgs,
  mariadbBootstrapStatements,
  mariadbdArgs,
  mariadbPaths,
} from '../../../src/stack/mariadb-config.js';

describe('mariadbdArgs', () => {
  const paths = mariadbPaths('/s');
  const args = mariadbdArgs(paths, 33069);

  it('reads no option files: --no-defaults comes first', () => {
    expect(args[0]).toBe('--no-defaults');
    expect(installDbArgs(paths)[0]).toBe('--no-defaults');
  });

  it('writes a row-based binlog with full images and full row metadata, GTIDs strict, CRC32 checksums', () => {
    expect(args).toEqual(
      expect.arrayContaining([
        '--log-bin=binlog',
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--binlog-row-metadata=FULL',
        '--server-id=1',
        '--log-slave-updates=ON',
        '--gtid-strict-mode=ON',
        '--binlog-checksum=CRC32',
      ]),
    );
  });

  it('uses utf8mb4 and UTC', () => {
    expect(args).toContain('--character-set-server=utf8mb4');
    expect(args).toContain('--default-time-zone=+00:00');
  });

  it('binds loopback on our port with its own socket, pid file and log in the stack dir', () => {
    expect(args).toEqual(
      expect.arrayContaining([
        '--port=33069',
        '--bind-address=127.0.0.1',
        '--datadir=/s/mariadb/data',
        '--socket=/s/mariadb/mariadb.sock',
        '--pid-file=/s/mariadb/mariadb.pid',
        '--log-error=/s/mariadb/mariadb.log',
        '--user=root',
      ]),
    );
  });
});

describe('mariadbBootstrapStatements', () => {
  const statements = mariadbBootstrapStatements('tandem', 'tandem', 'tandem');

  it('stays out of the binlog and is idempotent', () => {
    expect(statements[0]).toBe('SET SESSION sql_log_bin = 0');
    expect(statements.filter((s) => s.startsWith('CREATE')).every((s) => s.includes('IF NOT EXISTS'))).toBe(true);
  });

  it('grants everything, with GRANT OPTION and replication, from anywhere and from localhost', () => {
    for (const account of ["'tandem'@'%'", "'tandem'@'localhost'"]) {
      expect(statements).toContain(`GRANT ALL PRIVILEGES ON *.* TO ${account} WITH GRANT OPTION`);
      expect(statements).toContain(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${account}`);
    }
    expect(statements.at(-1)).toContain('CREATE DATABASE IF NOT EXISTS `tandem`');
  });
});
