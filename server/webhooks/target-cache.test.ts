import { describe, expect, it } from 'vitest';
import { WebhookTargetCache } from './target-cache';

describe('WebhookTargetCache', () => {
  it('loads once per id within the TTL, shares a load between concurrent misses, and reloads after it', async () => {
    let now = 0;
    const cache = new WebhookTargetCache(5_000, 100, () => now);
    const loads: number[] = [];
    const load = async (id: number) => {
      loads.push(id);
      return { id, n: loads.length };
    };
    const [a, b] = await Promise.all([cache.get(1, load), cache.get(1, load)]);
    expect(a).toBe(b);
    now = 4_999;
    expect(await cache.get(1, load)).toBe(a);
    expect(loads).toEqual([1]);
    now = 5_000;
    expect((await cache.get(1, load)).n).toBe(2);
  });

  it('forgets an entry on invalidate and never remembers a failed load', async () => {
    const cache = new WebhookTargetCache();
    let fail = true;
    let calls = 0;
    const load = async () => {
      calls++;
      if (fail) throw new Error('database away');
      return calls;
    };
    await expect(cache.get(7, load)).rejects.toThrow('database away');
    fail = false;
    expect(await cache.get(7, load)).toBe(2);
    expect(await cache.get(7, load)).toBe(2);
    cache.invalidate(7);
    expect(await cache.get(7, load)).toBe(3);
  });

  it('stays within its size, dropping expired entries first and then the oldest', async () => {
    let now = 0;
    const cache = new WebhookTargetCache(1_000, 3, () => now);
    const load = async (id: number) => ({ id, at: now });
    await cache.get(1, load);
    now = 600;
    await cache.get(2, load);
    await cache.get(3, load);
    now = 1_100; // 1 has expired
    await cache.get(4, load);
    expect((await cache.get(2, load)).at).toBe(600); // still cached
    await cache.get(5, load); // full of live entries: the oldest (2) goes
    expect((await cache.get(2, load)).at).toBe(1_100);
  });
});
