import type { SyncContext, SyncProgress, SyncRecord } from '../../registry';
import type { Sleep } from '../client';
import { FAKE } from './fake-graph';

/** A sleep that only records what it was asked to wait, so backoff tests run instantly. */
export function recordingSleep(): Sleep & { waits: number[] } {
  const waits: number[] = [];
  const sleep = (async (ms: number, signal: AbortSignal) => {
    if (signal.aborted) throw signal.reason;
    waits.push(ms);
  }) as Sleep & { waits: number[] };
  sleep.waits = waits;
  return sleep;
}

export interface RecordingSyncContext extends SyncContext {
  /** Every upsert call's batch, in order. */
  batches: SyncRecord[][];
  steps: SyncProgress[];
  of(kind: string): SyncRecord[];
}

export function syncContext(opts: { since?: Date | null; signal?: AbortSignal; apiVersion?: string } = {}): RecordingSyncContext {
  const batches: SyncRecord[][] = [];
  const steps: SyncProgress[] = [];
  return {
    signal: opts.signal ?? new AbortController().signal,
    apiVersion: opts.apiVersion ?? 'v27.0',
    since: opts.since ?? null,
    batches,
    steps,
    async upsert(records) {
      batches.push(records);
    },
    progress(p) {
      steps.push(p);
    },
    of(kind) {
      return batches.flat().filter((r) => r.kind === kind);
    },
  };
}

export function fakeConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { accessToken: FAKE.validToken, adAccountId: `act_${FAKE.adAccountId}`, ...overrides };
}
