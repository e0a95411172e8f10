import type { FastifyInstance } from 'fastify';

/**
 * A short-lived, per-process cache of what a webhook delivery needs about its integration (row, template,
 * handler, unsealed webhook secret and config). Deliveries arrive in bursts for the same few integrations;
 * loading and decrypting per request was most of the route's cost. Writes made through this process's API
 * invalidate at once; other processes see a change within `ttlMs`. Concurrent misses share one load.
 */
export class WebhookTargetCache {
  private entries = new Map<number, { expires: number; value: Promise<unknown> }>();

  constructor(
    private ttlMs = 5_000,
    private maxEntries = 10_000,
    private now: () => number = Date.now,
  ) {}

  /** One cache serves one loader (the webhook route's), so what it returns is what that loader made. */
  get<T>(id: number, load: (id: number) => Promise<T>): Promise<T> {
    const hit = this.entries.get(id);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    if (this.entries.size >= this.maxEntries) this.evictExpired();
    const value = load(id);
    const entry = { expires: this.now() + this.ttlMs, value };
    this.entries.set(id, entry);
    // A failed load (database away, say) must not be remembered.
    value.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return value;
  }

  invalidate(id: number) {
    this.entries.delete(id);
  }

  private evictExpired() {
    const t = this.now();
    for (const [id, e] of this.entries) if (e.expires <= t) this.entries.delete(id);
    // Still full of live entries: drop the oldest insertions (Map keeps insertion order).
    for (const id of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}

/**
 * Registers, in a plugin that writes integrations by `:id`, a hook that drops the webhook cache entry of
 * the integration a non-GET request touched, before its response goes out (so a client that edits and
 * then delivers sees its edit).
 */
export function invalidateWebhookTargetsOnWrite(app: FastifyInstance) {
  app.addHook('onSend', async (req, _reply, payload) => {
    if (req.method === 'GET') return payload;
    const id = Number((req.params as { id?: unknown } | undefined)?.id);
    if (Number.isInteger(id)) app.ctx.webhookTargets.invalidate(id);
    return payload;
  });
}
