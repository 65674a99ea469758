import { join } from 'node:path';

/** Where the local MariaDB keeps everything, under `<stackDir>/mariadb`. */
export interface MariadbPaths {
  dir: string;
  dataDir: string;
  socketFile: string;
  pidFile: string;
  /** The server's error log (--log-error); also receives stdout/stderr of the detached process. */
  logFile: string;
  installLogFile: string;
  initializedMarker: string;
}

export function mariadbPaths(stackDir: string): MariadbPaths {
  const dir = join(stackDir, 'mariadb');
  return {
    dir,
    dataDir: join(dir, 'data'),
    socketFile: join(dir, 'mariadb.sock'),
    pidFile: join(dir, 'mariadb.pid'),
    logFile: join(dir, 'mariadb.log'),
    installLogFile: join(dir, 'install-db.log'),
    initializedMarker: join(dir, 'initialized'),
  };
}

/**
 * mariadbd arguments for a binlog CDC source: row-based, full row images, full row metadata (each
 * TABLE_MAP carries its table's column names, signedness, charsets, ENUM/SET labels and primary key),
 * GTIDs strict, UTC, utf8mb4.
 * `--no-defaults` must come first: it keeps /etc/mysql/*.cnf (the system server's settings) out.
 */
export function mariadbdArgs(paths: MariadbPaths, port: number): string[] {
  return [
    '--no-defaults',
    `--datadir=${paths.dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${paths.socketFile}`,
    `--pid-file=${paths.pidFile}`,
    `--log-error=${paths.logFile}`,
    '--user=root',
    '--skip-name-resolve',
    '--log-bin=binlog',
    '--binlog-format=ROW',
    '--binlog-row-image=FULL',
    '--binlog-row-metadata=FULL',
    '--server-id=1',
    '--log-slave-updates=ON',
    '--gtid-strict-mode=ON',
    '--binlog-checksum=CRC32',
    '--character-set-server=utf8mb4',
    '--default-time-zone=+00:00',
    '--max-connections=200',
    '--innodb-buffer-pool-size=256M',
  ];
}

/** mariadb-install-db arguments: system tables only, root@localhost with an empty password (socket use only). */
export function installDbArgs(paths: MariadbPaths): string[] {
  return [
    '--no-defaults',
    `--datadir=${paths.dataDir}`,
    '--user=root',
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ];
}

/** Idempotent statements that create the `tandem` account and database; kept out of the binlog CDC tests read. */
export function mariadbBootstrapStatements(user: string, password: string, database: string): string[] {
  const accounts = [`'${user}'@'%'`, `'${user}'@'localhost'`];
  return [
    'SET SESSION sql_log_bin = 0',
    ...accounts.map((account) => `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '${password}'`),
    ...accounts.map((account) => `ALTER USER ${account} IDENTIFIED BY '${password}'`),
    ...accounts.map((account) => `GRANT ALL PRIVILEGES ON *.* TO ${account} WITH GRANT OPTION`),
    ...accounts.map((account) => `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ${account}`),
    `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`,
  ];
}
