import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ErrorCodes, TandemError } from '../errors.js';

/** What each external tool is, where to look for it, and which Debian package provides it. */
export interface ToolSpec {
  name: string;
  /** Absolute paths tried before PATH. */
  knownPaths: string[];
  debianPackage: string;
}

const POSTGRES_PACKAGE = 'postgresql-15';

export const TOOLS = {
  initdb: postgresTool('initdb'),
  pgCtl: postgresTool('pg_ctl'),
  mariadbd: { name: 'mariadbd', knownPaths: ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'], debianPackage: 'mariadb-server' },
  mariadbInstallDb: {
    name: 'mariadb-install-db',
    knownPaths: ['/usr/bin/mariadb-install-db', '/usr/sbin/mariadb-install-db'],
    debianPackage: 'mariadb-server',
  },
  java: { name: 'java', knownPaths: [], debianPackage: 'openjdk-17-jre-headless' },
  mvn: { name: 'mvn', knownPaths: [], debianPackage: 'maven' },
  runuser: { name: 'runuser', knownPaths: ['/usr/sbin/runuser', '/sbin/runuser'], debianPackage: 'util-linux' },
  docker: { name: 'docker', knownPaths: [], debianPackage: 'docker.io (or Docker Engine from docker.com)' },
} satisfies Record<string, ToolSpec>;

export type ToolKey = keyof typeof TOOLS;

/** PostgreSQL server binaries live outside PATH on Debian: /usr/lib/postgresql/<major>/bin, newest first. */
function postgresTool(name: string): ToolSpec {
  return { name, knownPaths: postgresBinDirs().map((dir) => join(dir, name)), debianPackage: POSTGRES_PACKAGE };
}

function postgresBinDirs(): string[] {
  const override = process.env['TANDEM_PG_BINDIR'];
  const dirs = override ? [override] : [];
  try {
    const majors = readdirSync('/usr/lib/postgresql')
      .map(Number)
      .filter((major) => Number.isInteger(major))
      .sort((a, b) => b - a);
    for (const major of majors) dirs.push(`/usr/lib/postgresql/${major}/bin`);
  } catch {
    // No Debian PostgreSQL layout; PATH is the only hope.
  }
  return dirs;
}

/** Absolute path of the tool, or undefined when it is neither at a known path nor on PATH. */
export function findTool(spec: ToolSpec, pathVariable = process.env['PATH'] ?? ''): string | undefined {
  const onPath = pathVariable
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, spec.name));
  return [...spec.knownPaths, ...onPath].find(isExecutable);
}

/** Absolute path of the tool; a STACK_TOOL_MISSING error naming the package to install when it is absent. */
export function requireTool(key: ToolKey): string {
  const spec = TOOLS[key];
  const found = findTool(spec);
  if (found !== undefined) return found;
  throw new TandemError(ErrorCodes.STACK_TOOL_MISSING, missingToolMessage(spec));
}

export function missingToolMessage(spec: ToolSpec): string {
  const looked = spec.knownPaths.length > 0 ? ` (looked in ${spec.knownPaths.join(', ')} and PATH)` : ' on PATH';
  return `${spec.name} not found${looked}. Install it: apt-get install ${spec.debianPackage}`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
