import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * The console's folders hold refresh tokens, the vault's key, drafts and cached contacts: only their
 * owner may enter them, and its files are the owner's alone. Creating them with these modes is not
 * enough (an older console, a copy, or a umask of 0 left them open), so they are tightened at start.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const GROUP_OR_WORLD = 0o077;
const GROUP_OR_WORLD_WRITE = 0o022;
/** Windows has no POSIX modes (ACLs protect the profile folder); chmod there only toggles read-only. */
const POSIX = process.platform !== 'win32';

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `dir` (and missing parents) 0700, or makes an existing one 0700. A folder that stays writable by
 * group or others (owned by another user, a file system without modes) is refused: anyone could plant
 * or swap files in it. One that stays only readable by others is used with a warning.
 */
export function ensurePrivateDir(dir: string, logger?: Logger): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!POSIX) return;
  let mode = statSync(dir).mode;
  if ((mode & GROUP_OR_WORLD) === 0) return;
  let why = '';
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (err) {
    why = ` (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  mode = statSync(dir).mode;
  if (mode & GROUP_OR_WORLD_WRITE) {
    throw new Error(
      `${dir} is writable by other users (mode ${octal(mode)}) and could not be made private${why}. Run: chmod 700 "${dir}" (as its owner), or choose another folder.`,
    );
  }
  if (mode & GROUP_OR_WORLD)
    logger?.warn({ dir, mode: octal(mode) }, `${dir} is readable by other users and could not be made private${why}`);
}

/**
 * Makes what the console wrote earlier private too: the named files of `dir`, and every folder and file
 * under the named subtrees (per-profile caches and drafts). Missing ones are skipped.
 */
export function tightenExisting(dir: string, opts: { files?: string[]; trees?: string[] }): void {
  if (!POSIX) return;
  for (const name of opts.files ?? []) tighten(join(dir, name), PRIVATE_FILE_MODE);
  const walk = (path: string) => {
    if (!tighten(path, PRIVATE_DIR_MODE)) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) tighten(child, PRIVATE_FILE_MODE);
    }
  };
  for (const name of opts.trees ?? []) walk(join(dir, name));
}

/** chmod when the mode is looser than wanted; false when the path does not exist. */
function tighten(path: string, mode: number): boolean {
  let current: number;
  try {
    current = statSync(path).mode;
  } catch {
    return false;
  }
  if (current & GROUP_OR_WORLD) chmodSync(path, mode);
  return true;
}
