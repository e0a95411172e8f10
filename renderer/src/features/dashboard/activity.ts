import type { SyncRun } from '../../../../shared/ipc/schemas';

export interface DayBucket {
  day: string;
  succeeded: number;
  failed: number;
  other: number;
}

const dayKey = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Sync runs per day over the last `days` days (oldest first), split by outcome. */
export function bucketRuns(runs: SyncRun[], days = 14, now = Date.now()): DayBucket[] {
  const buckets: DayBucket[] = [];
  const index = new Map<string, DayBucket>();
  for (let d = days - 1; d >= 0; d--) {
    const b = { day: dayKey(now - d * 86400_000), succeeded: 0, failed: 0, other: 0 };
    buckets.push(b);
    index.set(b.day, b);
  }
  for (const r of runs) {
    const at = Date.parse(String(r.finishedAt ?? r.startedAt ?? (r as { queuedAt?: string }).queuedAt ?? ''));
    if (Number.isNaN(at)) continue;
    const b = index.get(dayKey(at));
    if (!b) continue;
    if (r.status === 'succeeded') b.succeeded++;
    else if (r.status === 'failed' || r.status === 'partial') b.failed++;
    else b.other++;
  }
  return buckets;
}
