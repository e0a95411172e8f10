/**
 * Bulk actions over many integrations: a small worker pool so a hundred selected rows do not fire a
 * hundred concurrent requests, with a per-item result the panel shows live.
 */
import type { IpcError } from '../../../../shared/ipc/errors';
import { loctelli } from '../../api/bridge';
import { toIpcError } from '../../api/errors';
import { createStore } from '../../lib/store';

export type BulkAction = 'test' | 'sync' | 'activate' | 'deactivate';
export const BULK_LABEL: Record<BulkAction, string> = { test: 'Test', sync: 'Sync now', activate: 'Activate', deactivate: 'Deactivate' };

export interface BulkItem {
  id: number;
  name: string;
  state: 'queued' | 'running' | 'ok' | 'failed';
  message?: string;
  syncRunId?: number;
}

export interface BulkJob {
  action: BulkAction;
  items: BulkItem[];
  startedAt: string;
  done: boolean;
}

export const bulkJob = createStore<BulkJob | null>(null);

const CONCURRENCY = 4;

async function perform(action: BulkAction, id: number): Promise<{ message: string; syncRunId?: number }> {
  const api = loctelli();
  switch (action) {
    case 'test': {
      const r = await api.integrations.test(id);
      if (!r.ok) throw { code: 'unprocessable', message: r.message } satisfies IpcError;
      return { message: r.message };
    }
    case 'sync': {
      const r = await api.integrations.sync(id);
      return { message: r.alreadyRunning ? 'A sync was already running' : 'Sync started', syncRunId: r.syncRunId };
    }
    case 'activate':
      await api.integrations.activate(id);
      return { message: 'Activated' };
    case 'deactivate':
      await api.integrations.deactivate(id);
      return { message: 'Deactivated' };
  }
}

export async function runBulk(
  action: BulkAction,
  targets: { id: number; name: string }[],
  hooks: { onItemDone?(item: BulkItem): void } = {},
): Promise<BulkJob> {
  const job: BulkJob = { action, items: targets.map((t) => ({ id: t.id, name: t.name, state: 'queued' })), startedAt: new Date().toISOString(), done: false };
  bulkJob.set(job);
  const update = (id: number, patch: Partial<BulkItem>) => {
    bulkJob.set((j) => (j ? { ...j, items: j.items.map((it) => (it.id === id ? { ...it, ...patch } : it)) } : j));
  };
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++];
      update(t.id, { state: 'running' });
      try {
        const r = await perform(action, t.id);
        update(t.id, { state: 'ok', message: r.message, syncRunId: r.syncRunId });
      } catch (err) {
        update(t.id, { state: 'failed', message: toIpcError(err).message });
      }
      const item = bulkJob.get()?.items.find((i) => i.id === t.id);
      if (item) hooks.onItemDone?.(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
  bulkJob.set((j) => (j ? { ...j, done: true } : j));
  return bulkJob.get()!;
}
