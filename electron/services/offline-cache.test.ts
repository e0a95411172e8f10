import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OfflineCache } from './offline-cache';

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'offline-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const items = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ id: from + k, name: `Integration ${from + k}` }));
const filesUnder = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json'));

describe('offline cache', () => {
  it('answers from memory at once and writes behind, coalesced into a few shard files', async () => {
    const dir = newDir();
    const cache = new OfflineCache(dir);
    // A list read page after page: 10,000 items.
    for (let p = 0; p < 10; p++) await cache.putItems('integrations', items(p * 1000 + 1, 1000), '2026-11-25T10:00:00.000Z');
    await cache.put('integrations:{}', { ids: [1, 2] }, '2026-11-25T10:00:00.000Z');
    expect((await cache.getItem<{ name: string }>('integrations', 4321))?.data.name).toBe('Integration 4321');
    expect((await cache.get<{ ids: number[] }>('integrations:{}'))?.data.ids).toEqual([1, 2]);

    await cache.flush();
    const files = filesUnder(dir);
    // One entry file, and the items in files of 256 consecutive ids (not one file per item).
    expect(files.filter((f) => f.startsWith('entries'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('integrations')).length).toBe(Math.ceil(10_001 / 256));

    const reopened = new OfflineCache(dir);
    expect((await reopened.getItem<{ name: string }>('integrations', 10_000))?.data.name).toBe('Integration 10000');
    expect((await reopened.getItems('integrations', [3, 2, 1]))?.map((e) => e.data)).toEqual([items(3, 1)[0], items(2, 1)[0], items(1, 1)[0]]);
    expect(await reopened.getItems('integrations', [1, 10_001])).toBeNull();
    expect(await reopened.allItems('integrations')).toHaveLength(10_000);
    expect((await reopened.get<{ ids: number[] }>('integrations:{}'))?.fetchedAt).toBe('2026-11-25T10:00:00.000Z');
  });

  it('keeps the newest copy when an item changes while it is being written, and forgets deleted items', async () => {
    const dir = newDir();
    const cache = new OfflineCache(dir);
    await cache.putItems('integrations', [{ id: 7, name: 'first' }]);
    const writing = cache.flush();
    await cache.putItems('integrations', [{ id: 7, name: 'second' }]);
    await cache.putItems('integrations', [{ id: 8, name: 'other' }]);
    await writing;
    await cache.deleteItem('integrations', 8);
    await cache.flush();
    const reopened = new OfflineCache(dir);
    expect((await reopened.getItem<{ name: string }>('integrations', 7))?.data.name).toBe('second');
    expect(await reopened.getItem('integrations', 8)).toBeNull();
  });

  it('writes nothing after clear(), even what was waiting to be written', async () => {
    const dir = newDir();
    const cache = new OfflineCache(join(dir, 'cache'));
    await cache.putItems('integrations', items(1, 500));
    await cache.put('subaccounts', [{ id: 1 }]);
    const writing = cache.flush();
    await cache.putItems('templates', [{ id: 1, name: 'GoHighLevel' }]);
    await cache.clear();
    await writing;
    await cache.flush();
    await new Promise((r) => setTimeout(r, 150)); // past the write-behind delay
    expect(readdirSync(dir)).toEqual([]);
    expect(await cache.getItem('integrations', 1)).toBeNull();
    expect(await cache.get('subaccounts')).toBeNull();
  });

  it('writes by itself shortly after a change, without flush()', async () => {
    const dir = newDir();
    const cache = new OfflineCache(dir);
    await cache.putItems('templates', [{ id: 'ghl', name: 'GoHighLevel' }]);
    await expect.poll(() => filesUnder(dir).length, { timeout: 2_000 }).toBe(1);
    expect((await new OfflineCache(dir).getItem<{ name: string }>('templates', 'ghl'))?.data.name).toBe('GoHighLevel');
  });
});
