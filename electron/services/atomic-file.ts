import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-dir';

/** Temp files are `.<name>.<pid>.<random>.tmp` next to their target; readers skip them. */
export const isTempFile = (name: string) => name.startsWith('.') && name.endsWith('.tmp');
const tempPathFor = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

function syncDirSync(dir: string) {
  // Makes the rename itself durable. Windows cannot open a directory for fsync; the rename is atomic there anyway.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` with `data` so that a reader (or a crash at any instant, including `kill -9`) sees either
 * the old content or the new one, never a mix: write a temp file, fsync it, rename it over the target,
 * fsync the directory. With `durable: false` the fsyncs are skipped (still atomic against process crashes).
 */
export async function writeFileAtomic(path: string, data: string | Buffer, opts: { mode?: number; durable?: boolean } = {}): Promise<void> {
  const durable = opts.durable ?? true;
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'w', opts.mode ?? PRIVATE_FILE_MODE);
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  if (durable && process.platform !== 'win32') {
    const dh = await open(dirname(path), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}

export function writeFileAtomicSync(path: string, data: string | Buffer, opts: { mode?: number } = {}): void {
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'w', opts.mode ?? PRIVATE_FILE_MODE);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
  syncDirSync(dirname(path));
}

/** Removes temp files a crash left behind (older than `minAgeMs`, so a concurrent writer's are spared). */
export async function removeStaleTempFiles(dir: string): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!isTempFile(name)) continue;
    // A temp file of a live writer in this process carries our pid; leave those alone.
    if (name.includes(`.${process.pid}.`)) continue;
    await unlink(join(dir, name)).then(() => removed++, () => {});
  }
  return removed;
}

export function listFilesSync(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !isTempFile(n));
  } catch {
    return [];
  }
}
