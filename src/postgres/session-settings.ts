import { ErrorCodes, TandemError } from '../errors.js';

/**
 * Settings of the walsender session that streams changes. pgoutput (text mode) sends every column value
 * as the text its type's output function produces *in the walsender session*, and several output
 * functions depend on session settings. We pin each one so the text is unambiguous and exact:
 *
 * - DateStyle=ISO,YMD: dates/timestamps print as "2024-02-29 12:34:56.5", with a " BC" suffix for
 *   years before 1 AD (YMD only affects how ambiguous *input* is read; output is ISO regardless).
 * - TimeZone=UTC: timestamptz prints in UTC ("...+00"), so the text needs no zone database to read.
 * - IntervalStyle=iso_8601: intervals print as "P1Y2M3DT4H5M6.789S"; each field carries its own sign,
 *   which is unambiguous for every value (the "postgres" style is also parsed, as a safety net).
 * - extra_float_digits=3: PostgreSQL >= 12 prints float4/float8 in the shortest form that reads back
 *   to the identical value (older servers print 9/17 significant digits, which also read back exactly).
 *   The default (1) already does this on >= 12; pinning it guards against a server/role setting of <= 0,
 *   which rounds.
 * - bytea_output=hex: bytea prints as "\x0a1b..." (the "escape" format is harder to read and slower).
 * - lc_monetary=C: money prints as "$1,234.56" / "-$1,234.56", always with 2 fraction digits; the
 *   database's own lc_monetary (which fixes the money value's real scale) is read by the type catalog.
 * - client_encoding=UTF8: pgoutput converts text to the client encoding; we decode UTF-8.
 *
 * Startup options (source "client") take precedence over ALTER DATABASE/ROLE ... SET and
 * postgresql.conf, so only something that strips the options (a connection pooler) can undo them;
 * {@link checkReplicationSession} catches that.
 */
export const REPLICATION_SESSION_SETTINGS = {
  DateStyle: 'ISO,YMD',
  TimeZone: 'UTC',
  IntervalStyle: 'iso_8601',
  extra_float_digits: '3',
  bytea_output: 'hex',
  lc_monetary: 'C',
  client_encoding: 'UTF8',
} as const;

/** The libpq `options` string for the replication connection (pg's ClientConfig `options`). */
export const REPLICATION_SESSION_OPTIONS: string = Object.entries(REPLICATION_SESSION_SETTINGS)
  .map(([name, value]) => `-c ${name}=${value}`)
  .join(' ');

/** What `SHOW <name>` answers in a session started with REPLICATION_SESSION_OPTIONS. */
export const EXPECTED_SHOW_VALUES: Readonly<Record<keyof typeof REPLICATION_SESSION_SETTINGS, string>> = {
  DateStyle: 'ISO, YMD',
  TimeZone: 'UTC',
  IntervalStyle: 'iso_8601',
  extra_float_digits: '3',
  bytea_output: 'hex',
  lc_monetary: 'C',
  client_encoding: 'UTF8',
};

interface ShowClient {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/**
 * Checks, with SHOW (which a walsender accepts too), that a session really runs with the settings above.
 * Throws PG_PRECONDITION naming every setting that differs.
 */
export async function checkReplicationSession(client: ShowClient): Promise<void> {
  const wrong: string[] = [];
  for (const [name, expected] of Object.entries(EXPECTED_SHOW_VALUES)) {
    const result = await client.query(`SHOW ${name}`);
    const row = result.rows[0];
    const actual = row === undefined ? undefined : String(Object.values(row)[0]);
    if (actual !== expected) wrong.push(`${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
  if (wrong.length > 0) {
    throw new TandemError(
      ErrorCodes.PG_PRECONDITION,
      `The PostgreSQL replication session does not have the settings Tandem needs to read values exactly: ${wrong.join('; ')}. ` +
        'Connect with options REPLICATION_SESSION_OPTIONS and make sure no connection pooler or proxy drops the startup "options" parameter.',
    );
  }
}
