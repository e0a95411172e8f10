import { createHash } from 'node:crypto';
import { readFile, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempFile, writeFileAtomic } from './atomic-file';

export interface CacheEntry<T> {
  data: T;
  fetchedAt: string;
}

/**
 * A profile's last known copy of what it read from its server (templates, subaccounts, integrations),
 * one JSON file per entry, used when the server cannot be reached. Collections keep one file per item so
 * that a list page updates only its own items. Writes are atomic (no partial file after a crash) but not
 * fsynced: losing the newest cache entry to a power cut is harmless.
 */
export class OfflineCache {
  constructor(readonly dir: string) {}

  private fileOf(key: string) {
    const safe = key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
    return join(this.dir, 'entries', `${safe}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
  }

  private itemFile(collection: string, id: number | string) {
    return join(this.dir, collection, `${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  async get<T>(key: string): Promise<CacheEntry<T> | null> {
    return readJson<CacheEntry<T>>(this.fileOf(key));
  }

  async put<T>(key: string, data: T, fetchedAt = new Date().toISOString()): Promise<void> {
    await writeFileAtomic(this.fileOf(key), JSON.stringify({ key, data, fetchedAt }), { durable: false });
  }

  async getItem<T>(collection: string, id: number | string): Promise<CacheEntry<T> | null> {
    return readJson<CacheEntry<T>>(this.itemFile(collection, id));
  }

  async putItems<T extends { id: number | string }>(collection: string, items: T[], fetchedAt = new Date().toISOString()): Promise<void> {
    // A handful at a time: a page of 200 should not open 200 files at once.
    for (let i = 0; i < items.length; i += 16) {
      await Promise.all(
        items.slice(i, i + 16).map((item) => writeFileAtomic(this.itemFile(collection, item.id), JSON.stringify({ data: item, fetchedAt }), { durable: false })),
      );
    }
  }

  async deleteItem(collection: string, id: number | string): Promise<void> {
    await unlink(this.itemFile(collection, id)).catch(() => {});
  }

  async allItems<T>(collection: string): Promise<Array<CacheEntry<T>>> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, collection));
    } catch {
      return [];
    }
    const out: Array<CacheEntry<T>> = [];
    for (const name of names) {
      if (isTempFile(name) || !name.endsWith('.json')) continue;
      const entry = await readJson<CacheEntry<T>>(join(this.dir, collection, name));
      if (entry) out.push(entry);
    }
    return out;
  }

  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}
