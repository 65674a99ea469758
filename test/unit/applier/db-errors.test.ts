import { describe, expect, it } from 'vitest';
import { mysqlDescribeError, mysqlIsDatabaseError, mysqlIsTransient, pgDescribeError, pgIsDatabaseError, pgIsTransient } from '../../../src/applier/db-errors.js';

const pgError = (code: string, message = 'x', detail?: string) => Object.assign(new Error(message), { code, severity: 'ERROR', detail });
const myError = (errno: number, code: string, sqlState: string, fatal = false) => Object.assign(new Error('m'), { errno, code, sqlState, sqlMessage: 'msg', fatal });

describe('target error classification', () => {
  it('PostgreSQL: connection, resource, shutdown, deadlock and serialization failures are transient; data errors are refusals', () => {
    for (const code of ['08006', '57P01', '53300', '40001', '40P01', '55P03']) expect(pgIsTransient(pgError(code))).toBe(true);
    for (const code of ['23505', '23514', '22003', '42703', 'P0001']) {
      expect(pgIsTransient(pgError(code))).toBe(false);
      expect(pgIsDatabaseError(pgError(code))).toBe(true);
    }
    expect(pgIsTransient(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(pgIsTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(pgIsDatabaseError(new TypeError('bug'))).toBe(false);
    expect(pgDescribeError(pgError('23514', 'new row violates check constraint "c"', 'Failing row contains (1).'))).toBe(
      'PostgreSQL 23514: new row violates check constraint "c" (Failing row contains (1).)',
    );
  });

  it('MySQL: deadlocks, lock waits, lost connections are transient; constraint and value errors are refusals', () => {
    expect(mysqlIsTransient(myError(1213, 'ER_LOCK_DEADLOCK', '40001'))).toBe(true);
    expect(mysqlIsTransient(myError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'HY000'))).toBe(true);
    expect(mysqlIsTransient(Object.assign(new Error('gone'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe(true);
    expect(mysqlIsTransient(myError(1062, 'ER_DUP_ENTRY', '23000'))).toBe(false);
    expect(mysqlIsDatabaseError(myError(4025, 'ER_CONSTRAINT_FAILED', '23000'))).toBe(true);
    expect(mysqlIsDatabaseError(new Error('bug'))).toBe(false);
    expect(mysqlDescribeError(myError(1264, 'ER_WARN_DATA_OUT_OF_RANGE', '22003'))).toBe('MySQL 1264 (22003 ER_WARN_DATA_OUT_OF_RANGE): msg');
  });
});
