/**
 * State pushed by main (sync progress, connectivity) and UI notices (toasts), kept outside React Query
 * because it is not a server read.
 */
import type { EventPayload } from '../../../shared/ipc/contract';
import { createStore } from '../lib/store';

export type SyncEvent = EventPayload<'sync.progress'>;

/** The latest progress event per integration, for syncs started from this console. */
export const syncProgress = createStore<Record<number, SyncEvent>>({});

export function recordSyncEvent(e: SyncEvent) {
  syncProgress.set((prev) => ({ ...prev, [e.integrationId]: e }));
}

/** Marks a sync as started before its first pushed event, so progress shows immediately. */
export function markSyncStarted(integrationId: number, syncRunId: number, profileId: string) {
  recordSyncEvent({
    profileId,
    integrationId,
    syncRunId,
    status: 'queued',
    progress: null,
    finished: false,
    message: null,
    at: new Date().toISOString(),
    run: null,
  });
}

/** Reads that came from the offline cache: the oldest copy's time is what the connectivity indicator shows. */
export const staleness = createStore<{ stale: boolean; fetchedAt: string | null }>({ stale: false, fetchedAt: null });

export function noteCached(res: { stale: boolean; fetchedAt: string }) {
  staleness.set((prev) => {
    if (!res.stale) return prev.stale ? { stale: false, fetchedAt: null } : prev;
    const older = !prev.fetchedAt || Date.parse(res.fetchedAt) < Date.parse(prev.fetchedAt);
    return { stale: true, fetchedAt: older ? res.fetchedAt : prev.fetchedAt };
  });
}

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error' | 'warning';
  title: string;
  body?: string;
}
export const toasts = createStore<Toast[]>([]);
let toastSeq = 0;

export function toast(kind: Toast['kind'], title: string, body?: string, ms = kind === 'error' ? 9000 : 5000) {
  const id = ++toastSeq;
  toasts.set((list) => [...list.slice(-4), { id, kind, title, body }]);
  setTimeout(() => dismissToast(id), ms);
  return id;
}
export const dismissToast = (id: number) => toasts.set((list) => list.filter((t) => t.id !== id));
