import type { SyncContext, SyncProgress, SyncRecord } from '../../registry';

/** A SyncContext that keeps records in memory, for tests: what was upserted, removed and reported. */
export function memorySyncContext(opts: { signal?: AbortSignal; onProgress?: (p: SyncProgress) => void } = {}) {
  const records = new Map<string, SyncRecord>();
  const batches: SyncRecord[][] = [];
  const removed: Array<{ kind: string; externalId: string }> = [];
  const progress: SyncProgress[] = [];
  const ctx: SyncContext = {
    signal: opts.signal ?? new AbortController().signal,
    since: null,
    async upsert(batch) {
      batches.push(batch);
      for (const r of batch) records.set(`${r.kind}:${r.externalId}`, r);
    },
    async remove(kind, externalIds) {
      for (const id of externalIds) {
        removed.push({ kind, externalId: id });
        records.delete(`${kind}:${id}`);
      }
    },
    progress(p) {
      progress.push(p);
      opts.onProgress?.(p);
    },
  };
  const ofKind = (kind: string) => [...records.values()].filter((r) => r.kind === kind);
  return { ctx, records, batches, removed, progress, ofKind };
}

/** A clock that only moves when slept on: waits are recorded and cost no real time. */
export function virtualClock(start = 0) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: {
      now: () => now,
      sleep: async (ms: number, signal?: AbortSignal) => {
        signal?.throwIfAborted();
        sleeps.push(ms);
        now += ms;
        await Promise.resolve();
      },
    },
    advance(ms: number) {
      now += ms;
    },
  };
}
