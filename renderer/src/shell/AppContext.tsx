import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Session } from '../../../shared/ipc/schemas';
import type { SubAccount } from '../../../shared/api/subaccounts';
import { useSubaccounts } from '../api/queries';

interface AppContextValue {
  session: Session;
  /** The subaccount the console is looking at, or null for "All subaccounts". */
  scope: number | null;
  setScope(id: number | null): void;
  subaccounts: SubAccount[];
  subaccountName(id: number | null | undefined): string;
  isSuperAdmin: boolean;
  online: boolean;
}

const Ctx = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside <AppProvider>');
  return v;
}

const scopeKey = (profileId: string) => `loctelli.scope.${profileId}`;

function readScope(profileId: string): number | null {
  try {
    const raw = localStorage.getItem(scopeKey(profileId));
    const n = raw ? Number(raw) : NaN;
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

export function AppProvider({ session, children }: { session: Session; children: ReactNode }) {
  const profileId = session.profile.id;
  const subs = useSubaccounts();
  const [scope, setScopeState] = useState<number | null>(() => readScope(profileId));
  useEffect(() => setScopeState(readScope(profileId)), [profileId]);

  const list = useMemo(() => subs.data ?? [], [subs.data]);
  const byId = useMemo(() => new Map(list.map((s) => [s.id, s])), [list]);

  // A remembered subaccount that is gone (deleted, or no longer granted) falls back to All.
  useEffect(() => {
    if (scope !== null && subs.data && !byId.has(scope)) setScopeState(null);
  }, [scope, subs.data, byId]);
  // With a single subaccount there is nothing to choose.
  useEffect(() => {
    if (scope === null && subs.data?.length === 1 && readScope(profileId) === null) setScopeState(subs.data[0].id);
  }, [scope, subs.data, profileId]);

  const setScope = useCallback(
    (id: number | null) => {
      setScopeState(id);
      try {
        if (id === null) localStorage.removeItem(scopeKey(profileId));
        else localStorage.setItem(scopeKey(profileId), String(id));
      } catch {
        // Storage unavailable: the choice lasts for this session only.
      }
    },
    [profileId],
  );

  const value = useMemo<AppContextValue>(
    () => ({
      session,
      scope,
      setScope,
      subaccounts: list,
      subaccountName: (id) => (id ? (byId.get(id)?.name ?? `Subaccount #${id}`) : 'All subaccounts'),
      isSuperAdmin: session.admin?.role === 'super_admin',
      online: session.connectivity.online !== false,
    }),
    [session, scope, setScope, list, byId],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
