import { ErrorCodes, TandemError } from '../errors.js';
import { runCommand } from './processes.js';
import { requireTool } from './tools.js';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** uid and gid of a local OS account, via `id` (so NSS accounts count too). */
export async function lookupOsUser(name: string, debianPackage: string): Promise<OsUser> {
  const uid = await idNumber(['-u', name]);
  const gid = await idNumber(['-g', name]);
  if (uid === undefined || gid === undefined) {
    throw new TandemError(
      ErrorCodes.STACK_TOOL_MISSING,
      `The OS user "${name}" does not exist; it is created by the ${debianPackage} package (apt-get install ${debianPackage}).`,
    );
  }
  return { name, uid, gid };
}

async function idNumber(args: string[]): Promise<number | undefined> {
  const result = await runCommand('id', args);
  const value = Number(result.output.trim());
  return result.exitCode === 0 && Number.isInteger(value) ? value : undefined;
}

/** [command, args] that run `command` as `user` through runuser (we must be root to call this). */
export function asUser(user: OsUser, command: string, args: string[]): [string, string[]] {
  return [requireTool('runuser'), ['-u', user.name, '--', command, ...args]];
}
