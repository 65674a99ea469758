import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../../../src/stack/processes.js';

/**
 * libfaketime for tests that need a process whose wall clock is off (clock skew between databases).
 *
 * The multi-threaded variant is the one to preload into mariadbd: the plain libfaketime.so.1 keeps the
 * parsed offset in unsynchronized statics, and with FAKETIME_NO_CACHE every clock read by every server
 * thread re-reads and re-parses the timestamp file, so concurrent threads race on that state.
 * libfaketimeMT.so.1 serializes those reads.
 */
export const LIBFAKETIME_FILE = 'libfaketimeMT.so.1';

/** Where Debian's libfaketime package puts its libraries (also the layout inside the .deb). */
const DEBIAN_DIR = '/usr/lib/x86_64-linux-gnu/faketime';
const DEBIAN_PACKAGE = 'libfaketime';

const HOW_TO_FIX =
  `Install Debian's ${DEBIAN_PACKAGE} package (apt-get install ${DEBIAN_PACKAGE}), ` +
  `or set TANDEM_LIBFAKETIME to the absolute path of a ${LIBFAKETIME_FILE}.`;

let pending: Promise<string> | undefined;

/**
 * Absolute path of libfaketimeMT.so.1, in this order:
 *  1. TANDEM_LIBFAKETIME, when set;
 *  2. Debian's libfaketime package, when installed (/usr/lib/x86_64-linux-gnu/faketime);
 *  3. a copy unpacked earlier into `${XDG_CACHE_HOME:-~/.cache}/tandem/tools/libfaketime`;
 *  4. otherwise the Debian package is fetched with `apt-get download` (no root, nothing installed: the .deb is
 *     unpacked with `dpkg-deb -x` into that cache directory and reused from then on).
 * The library found is checked to really shift the clock of a child process before it is returned.
 */
export function ensureLibfaketime(): Promise<string> {
  pending ??= locate().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

/** `${XDG_CACHE_HOME:-~/.cache}/tandem/tools/libfaketime` */
export function libfaketimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = nonEmpty(env['XDG_CACHE_HOME']) ?? path.join(nonEmpty(env['HOME']) ?? homedir(), '.cache');
  return path.join(cacheHome, 'tandem', 'tools', 'libfaketime');
}

async function locate(): Promise<string> {
  const override = nonEmpty(process.env['TANDEM_LIBFAKETIME']);
  if (override !== undefined) {
    if (!path.isAbsolute(override) || !existsSync(override)) {
      throw new Error(`TANDEM_LIBFAKETIME=${override} is not an existing absolute path. Point it at ${LIBFAKETIME_FILE}, or unset it.`);
    }
    return verified(override, 'TANDEM_LIBFAKETIME');
  }
  const system = path.join(DEBIAN_DIR, LIBFAKETIME_FILE);
  if (existsSync(system)) return verified(system, `Debian's ${DEBIAN_PACKAGE} package`);

  const cacheDir = libfaketimeCacheDir();
  const cached = path.join(cacheDir, 'root', DEBIAN_DIR, LIBFAKETIME_FILE);
  if (!existsSync(cached)) await downloadAndUnpack(cacheDir);
  return verified(cached, `the ${DEBIAN_PACKAGE} package unpacked in ${cacheDir}`);
}

/**
 * `apt-get download libfaketime` into a staging directory, `dpkg-deb -x` it, then rename the tree to
 * `<cacheDir>/root` (atomic, so a concurrent or interrupted run never leaves a half-unpacked copy behind).
 * When apt has no package lists (never updated, or emptied), a private `apt-get update` into the cache
 * directory gets them without root and without touching /var/lib/apt.
 */
async function downloadAndUnpack(cacheDir: string): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(path.join(cacheDir, 'staging-'));
  try {
    let deb = await aptDownload(staging, []);
    if (deb.file === undefined) {
      const withSystemLists = deb.output;
      const privateLists = await privateAptLists(cacheDir);
      deb = await aptDownload(staging, privateLists.options);
      if (deb.file === undefined) {
        throw new Error(
          `Could not fetch libfaketime: \`apt-get download ${DEBIAN_PACKAGE}\` failed with the system's package lists:\n` +
            `${withSystemLists}\nand with package lists of its own (${privateLists.note}):\n${deb.output}\n${HOW_TO_FIX}`,
        );
      }
    }
    const unpacked = path.join(staging, 'root');
    const dpkgDeb = await run('dpkg-deb', ['-x', deb.file, unpacked]);
    if (dpkgDeb.exitCode !== 0) {
      throw new Error(`\`dpkg-deb -x ${deb.file}\` failed (exit ${dpkgDeb.exitCode}):\n${dpkgDeb.output}\n${HOW_TO_FIX}`);
    }
    if (!existsSync(path.join(unpacked, DEBIAN_DIR, LIBFAKETIME_FILE))) {
      throw new Error(`${path.basename(deb.file)} has no ${DEBIAN_DIR}/${LIBFAKETIME_FILE}. ${HOW_TO_FIX}`);
    }
    try {
      await rename(unpacked, path.join(cacheDir, 'root'));
    } catch (error) {
      // Another process got there first: its copy is as good as ours.
      if (!existsSync(path.join(cacheDir, 'root', DEBIAN_DIR, LIBFAKETIME_FILE))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function aptDownload(dir: string, aptOptions: string[]): Promise<{ file: string | undefined; output: string }> {
  // As root apt hands the download to its '_apt' user, who cannot write into our directory: keep it as is.
  const sandbox = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  const result = await run('apt-get', [...sandbox, ...aptOptions, 'download', DEBIAN_PACKAGE], dir);
  const debs = (await readdir(dir)).filter((name) => name.startsWith(`${DEBIAN_PACKAGE}_`) && name.endsWith('.deb'));
  const file = result.exitCode === 0 && debs[0] !== undefined ? path.join(dir, debs[0]) : undefined;
  return { file, output: result.output.trim() };
}

/** `apt-get update` into `<cacheDir>/apt` with the system's sources; the options make later apt calls use it. */
async function privateAptLists(cacheDir: string): Promise<{ options: string[]; note: string }> {
  const aptDir = path.join(cacheDir, 'apt');
  const lists = path.join(aptDir, 'lists');
  const cache = path.join(aptDir, 'cache');
  await mkdir(path.join(lists, 'partial'), { recursive: true });
  await mkdir(path.join(cache, 'archives', 'partial'), { recursive: true });
  const options = ['-o', `Dir::State::Lists=${lists}`, '-o', `Dir::Cache=${cache}`, '-o', 'Debug::NoLocking=1'];
  const sandbox = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  const update = await run('apt-get', [...sandbox, ...options, 'update'], aptDir);
  const note = update.exitCode === 0 ? `apt-get update into ${lists} worked` : `apt-get update into ${lists} failed (exit ${update.exitCode}): ${update.output.trim()}`;
  return { options, note };
}

/** Runs the library under `date` with a +1 day offset: a copy that fails to preload or does nothing is no use. */
async function verified(library: string, source: string): Promise<string> {
  const result = await run('date', ['+%s'], undefined, {
    ...process.env,
    LD_PRELOAD: library,
    FAKETIME: '+1d',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  const shifted = Number(result.output.trim().split('\n').at(-1)) - Date.now() / 1000;
  if (result.exitCode !== 0 || !(Math.abs(shifted - 86_400) < 60)) {
    throw new Error(
      `${library} (from ${source}) does not fake the clock: \`LD_PRELOAD=${library} FAKETIME=+1d date +%s\` ` +
        `exited ${result.exitCode} and printed:\n${result.output.trim()}\n${HOW_TO_FIX}`,
    );
  }
  return library;
}

async function run(command: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv) {
  try {
    return await runCommand(command, args, { cwd, env, timeoutMs: 120_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not run ${command} (${reason}); it comes with Debian's apt/dpkg. ${HOW_TO_FIX}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
