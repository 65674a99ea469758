import { describe, expect, it } from 'vitest';
import { initdbArgs, postgresPaths, renderPostgresConf } from '../../../src/stack/postgres-config.js';

function parseConf(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name, value] = line.split(' = ');
    if (name !== undefined && value !== undefined) settings.set(name, value);
  }
  return settings;
}

describe('renderPostgresConf', () => {
  const conf = parseConf(renderPostgresConf({ port: 54329, socketDir: '/work/.tandem/stack/postgres' }));

  it('enables logical decoding and commit timestamps', () => {
    expect(conf.get('wal_level')).toBe('logical');
    expect(conf.get('track_commit_timestamp')).toBe('on');
  });

  it('leaves room for many slots, senders and connections', () => {
    expect(conf.get('max_replication_slots')).toBe('32');
    expect(conf.get('max_wal_senders')).toBe('32');
    expect(conf.get('max_connections')).toBe('200');
  });

  it('listens on loopback only, on our port, with the socket in the stack dir', () => {
    expect(conf.get('listen_addresses')).toBe("'127.0.0.1'");
    expect(conf.get('port')).toBe('54329');
    expect(conf.get('unix_socket_directories')).toBe("'/work/.tandem/stack/postgres'");
  });

  it('quotes single quotes in paths', () => {
    const odd = parseConf(renderPostgresConf({ port: 1, socketDir: "/tmp/it's" }));
    expect(odd.get('unix_socket_directories')).toBe("'/tmp/it''s'");
  });
});

describe('postgres paths and initdb', () => {
  it('keeps everything under <stackDir>/postgres', () => {
    const paths = postgresPaths('/s');
    expect(paths.dataDir).toBe('/s/postgres/data');
    expect(paths.socketDir).toBe('/s/postgres');
    expect(paths.logFile).toBe('/s/postgres/postgres.log');
    expect(paths.postmasterPidFile).toBe('/s/postgres/data/postmaster.pid');
  });

  it('trusts the socket and asks for passwords on TCP', () => {
    const args = initdbArgs('/s/postgres/data');
    expect(args).toContain('--auth-local=trust');
    expect(args).toContain('--auth-host=scram-sha-256');
    expect(args.slice(0, 2)).toEqual(['-D', '/s/postgres/data']);
  });
});
