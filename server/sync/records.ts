import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { syncRecords } from '../db/schema';
import type { SyncRecord } from '../providers/registry';

export interface UpsertCounts {
  fetched: number;
  created: number;
  updated: number;
}

/**
 * Upserts a page of records by (integration, kind, externalId). Unchanged rows are not rewritten, so
 * a re-run reports them as neither created nor updated; `xmax = 0` tells inserts from updates.
 */
export async function upsertRecords(db: Db, integrationId: number, runId: number | null, records: SyncRecord[]): Promise<Record<string, UpsertCounts>> {
  const counts: Record<string, UpsertCounts> = {};
  if (records.length === 0) return counts;
  // The same id twice in one statement would make ON CONFLICT fail; the last version wins.
  const unique = new Map<string, SyncRecord>();
  for (const r of records) unique.set(`${r.kind}\u0000${r.externalId}`, r);
  for (const r of unique.values()) (counts[r.kind] ??= { fetched: 0, created: 0, updated: 0 }).fetched++;
  const rows = await db
    .insert(syncRecords)
    .values([...unique.values()].map((r) => ({ integrationId, kind: r.kind, externalId: r.externalId, data: r.data, lastSyncRunId: runId })))
    .onConflictDoUpdate({
      target: [syncRecords.integrationId, syncRecords.kind, syncRecords.externalId],
      set: { data: sql`excluded.data`, updatedAt: sql`now()`, lastSyncRunId: sql`excluded.last_sync_run_id` },
      setWhere: sql`${syncRecords.data} is distinct from excluded.data`,
    })
    .returning({ kind: syncRecords.kind, inserted: sql<boolean>`(xmax = 0)` });
  for (const r of rows) {
    if (r.inserted) counts[r.kind].created++;
    else counts[r.kind].updated++;
  }
  return counts;
}

export async function removeRecords(db: Db, integrationId: number, kind: string, externalIds: string[]): Promise<number> {
  if (externalIds.length === 0) return 0;
  const rows = await db
    .delete(syncRecords)
    .where(and(eq(syncRecords.integrationId, integrationId), eq(syncRecords.kind, kind), inArray(syncRecords.externalId, externalIds)))
    .returning({ id: syncRecords.id });
  return rows.length;
}

export function addCounts(into: Record<string, UpsertCounts & { deleted?: number }>, from: Record<string, UpsertCounts>) {
  for (const [kind, c] of Object.entries(from)) {
    const t = (into[kind] ??= { fetched: 0, created: 0, updated: 0 });
    t.fetched += c.fetched;
    t.created += c.created;
    t.updated += c.updated;
  }
}
