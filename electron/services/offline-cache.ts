import { createHash } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file';

export interface CacheEntry<T> {
  data: T;
  fetchedAt: string;
}

/** Items of a collection are kept in files of up to this many consecutive ids: a page of a list touches one or two. */
const SHARD_SPAN = 256;
/** Writes wait this long so that a burst (a list read page after page) is written once, not page by page. */
const FLUSH_DELAY_MS = 100;
const WRITE_CONCURRENCY = 8;

interface Shard {
  items: Map<string, CacheEntry<unknown>>;
  /** Bumped by every change; a flush evicts the shard only if nothing changed while it was being written. */
  version: number;
  dirty: boolean;
}

/**
 * A profile's last known copy of what it read from its server (templates, subaccounts, integrations), used
 * when the server cannot be reached. Entries are one JSON file each; the items of a collection live in shard
 * files of consecutive ids, so that a list page updates only its own items.
 *
 * Writes are behind the answer: a change is visible to this cache's readers at once (from memory) and reaches
 * the disk in the background, coalesced, one write at a time (`flush()` waits for it). Reading 10,000
 * integrations used to write 10,000 files before each page was answered. Files are replaced atomically (no
 * partial file after a crash) but not fsynced: losing the newest cache entries to a power cut is harmless.
 */
export class OfflineCache {
  private readonly pendingEntries = new Map<string, CacheEntry<unknown>>();
  private readonly shards = new Map<string, Shard>();
  private readonly shardLoads = new Map<string, Promise<Shard>>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Bumped by clear(): work scheduled before it must not write anything after it. */
  private generation = 0;

  constructor(readonly dir: string) {}

  private fileOf(key: string) {
    const safe = key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60);
    return join(this.dir, 'entries', `${safe}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
  }

  private shardName(collection: string, id: number | string) {
    const n = typeof id === 'number' && Number.isSafeInteger(id) ? Math.floor(id / SHARD_SPAN) : `h${createHash('sha256').update(String(id)).digest('hex').slice(0, 2)}`;
    return `${collection}/shard-${n}`;
  }

  private shardFile(name: string) {
    return join(this.dir, `${name}.json`);
  }

  async get<T>(key: string): Promise<CacheEntry<T> | null> {
    const pending = this.pendingEntries.get(key);
    if (pending) return pending as CacheEntry<T>;
    return readJson<CacheEntry<T>>(this.fileOf(key));
  }

  async put<T>(key: string, data: T, fetchedAt = new Date().toISOString()): Promise<void> {
    this.pendingEntries.set(key, { data, fetchedAt });
    this.schedule();
  }

  private shard(name: string): Promise<Shard> {
    const hit = this.shards.get(name);
    if (hit) return Promise.resolve(hit);
    let load = this.shardLoads.get(name);
    if (!load) {
      const generation = this.generation;
      load = readJson<{ items: Record<string, CacheEntry<unknown>> }>(this.shardFile(name)).then((stored) => {
        const shard: Shard = { items: new Map(Object.entries(stored?.items ?? {})), version: 0, dirty: false };
        if (generation === this.generation && !this.shards.has(name)) this.shards.set(name, shard);
        this.shardLoads.delete(name);
        return this.shards.get(name) ?? shard;
      });
      this.shardLoads.set(name, load);
    }
    return load;
  }

  async getItem<T>(collection: string, id: number | string): Promise<CacheEntry<T> | null> {
    return ((await this.shard(this.shardName(collection, id))).items.get(String(id)) as CacheEntry<T> | undefined) ?? null;
  }

  /** The cached items with these ids, in this order; null if any of them is not cached. */
  async getItems<T>(collection: string, ids: Array<number | string>): Promise<Array<CacheEntry<T>> | null> {
    const out: Array<CacheEntry<T>> = [];
    for (const id of ids) {
      const hit = await this.getItem<T>(collection, id);
      if (!hit) return null;
      out.push(hit);
    }
    return out;
  }

  async putItems<T extends { id: number | string }>(collection: string, items: T[], fetchedAt = new Date().toISOString()): Promise<void> {
    for (const item of items) {
      const shard = await this.shard(this.shardName(collection, item.id));
      shard.items.set(String(item.id), { data: item, fetchedAt });
      shard.version++;
      shard.dirty = true;
    }
    if (items.length) this.schedule();
  }

  async deleteItem(collection: string, id: number | string): Promise<void> {
    const shard = await this.shard(this.shardName(collection, id));
    if (shard.items.delete(String(id))) {
      shard.version++;
      shard.dirty = true;
      this.schedule();
    }
  }

  async allItems<T>(collection: string): Promise<Array<CacheEntry<T>>> {
    let names: string[] = [];
    try {
      names = await readdir(join(this.dir, collection));
    } catch {
      // Nothing on disk yet; shards in memory may still hold items.
    }
    const shardNames = new Set(names.filter((n) => n.startsWith('shard-') && n.endsWith('.json')).map((n) => `${collection}/${n.slice(0, -5)}`));
    for (const name of this.shards.keys()) if (name.startsWith(`${collection}/`)) shardNames.add(name);
    const out: Array<CacheEntry<T>> = [];
    for (const name of shardNames) for (const entry of (await this.shard(name)).items.values()) out.push(entry as CacheEntry<T>);
    return out;
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => {});
    }, FLUSH_DELAY_MS);
    this.timer.unref?.();
  }

  /** Writes everything changed so far; resolves when it is on disk (and any earlier write has finished). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const next = this.writing.then(() => this.writeChanges(), () => this.writeChanges());
    this.writing = next.catch(() => {});
    return next;
  }

  private async writeChanges(): Promise<void> {
    const generation = this.generation;
    const jobs: Array<() => Promise<void>> = [];
    for (const [key, entry] of this.pendingEntries) {
      jobs.push(async () => {
        if (generation !== this.generation) return;
        await writeFileAtomic(this.fileOf(key), JSON.stringify({ key, ...entry }), { durable: false });
        // Keep it in memory if it was replaced meanwhile: the newer copy still has to be written.
        if (this.pendingEntries.get(key) === entry) this.pendingEntries.delete(key);
      });
    }
    for (const [name, shard] of this.shards) {
      if (!shard.dirty) continue;
      const version = shard.version;
      const body = JSON.stringify({ items: Object.fromEntries(shard.items) });
      shard.dirty = false;
      jobs.push(async () => {
        if (generation !== this.generation) return;
        try {
          await writeFileAtomic(this.shardFile(name), body, { durable: false });
        } catch (err) {
          shard.dirty = true;
          throw err;
        }
        // Written as it is now: no need to hold it in memory (a later read loads it again).
        if (shard.version === version && !shard.dirty && this.shards.get(name) === shard) this.shards.delete(name);
      });
    }
    let failure: unknown = null;
    for (let i = 0; i < jobs.length; i += WRITE_CONCURRENCY) {
      const results = await Promise.allSettled(jobs.slice(i, i + WRITE_CONCURRENCY).map((j) => j()));
      for (const r of results) if (r.status === 'rejected') failure ??= r.reason;
    }
    if (failure) throw failure;
  }

  async clear(): Promise<void> {
    this.generation++;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.pendingEntries.clear();
    this.shards.clear();
    this.shardLoads.clear();
    await this.writing;
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

