import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Session } from '../../../shared/ipc/schemas';
import { loctelli } from '../api/bridge';
import { recordSyncEvent, staleness, toast } from '../api/live';
import { invalidateIntegrations, keys } from '../api/queries';

/**
 * Subscribes once to main's pushes: session and connectivity changes update the session query (a profile
 * switch drops every cached read of the previous profile), sync progress feeds the live store and
 * refreshes the integration when the run finishes.
 */
export function useLiveEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    const api = loctelli();
    const offs = [
      api.on('session.changed', (s) => {
        const prev = qc.getQueryData<Session>(keys.session);
        if (prev && prev.profile.id !== s.profile.id) {
          qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
          staleness.set({ stale: false, fetchedAt: null });
        }
        qc.setQueryData(keys.session, s);
        void qc.invalidateQueries({ queryKey: keys.profiles });
      }),
      api.on('connectivity.changed', (c) => {
        const prev = qc.getQueryData<Session>(keys.session);
        if (!prev || prev.profile.id !== c.profileId) return;
        const { profileId: _ignored, ...connectivity } = c;
        qc.setQueryData<Session>(keys.session, { ...prev, connectivity });
        if (c.online && prev.connectivity.online === false) {
          // Back online: replace every cached copy with fresh data.
          staleness.set({ stale: false, fetchedAt: null });
          void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
          toast('success', 'Back online', 'Showing live data again.');
        }
      }),
      api.on('session.signedOut', (e) => {
        toast('warning', 'Signed out', e.reason);
        void qc.invalidateQueries({ queryKey: keys.session });
      }),
      api.on('sync.progress', (e) => {
        const prev = qc.getQueryData<Session>(keys.session);
        if (prev && prev.profile.id !== e.profileId) return;
        recordSyncEvent(e);
        if (e.finished) {
          invalidateIntegrations(qc, e.integrationId);
          // The desktop notification of a failure comes from main; the toast is the in-app trace of it.
          if (e.status === 'failed') toast('error', 'Sync failed', e.message ?? `Sync run #${e.syncRunId} failed`);
        }
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [qc]);
}
