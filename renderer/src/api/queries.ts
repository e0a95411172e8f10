/**
 * Every server read of the renderer as a TanStack Query hook over `window.loctelli`, with the keys that
 * mutations invalidate. Cached (offline) answers are unwrapped here and their staleness recorded.
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Integration, ListIntegrationsQuery } from '../../../shared/api/integrations';
import type { ListAuditQuery } from '../../../shared/api/audit';
import type { CachedOf } from '../../../shared/ipc/schemas';
import { loctelli } from './bridge';
import { noteCached } from './live';

export const keys = {
  session: ['session'] as const,
  profiles: ['profiles'] as const,
  settings: ['settings'] as const,
  templates: ['templates'] as const,
  template: (id: number) => ['templates', id] as const,
  subaccounts: ['subaccounts'] as const,
  integrations: ['integrations'] as const,
  integrationList: (scope: number | null) => ['integrations', 'list', scope] as const,
  integration: (id: number) => ['integrations', 'one', id] as const,
  summary: (scope: number | null) => ['summary', scope] as const,
  syncRuns: (id: number) => ['syncRuns', id] as const,
  records: (id: number, kind: string | null) => ['records', id, kind] as const,
  webhookEvents: (id: number) => ['webhookEvents', id] as const,
  audit: (q: ListAuditQuery) => ['audit', q] as const,
  drafts: ['drafts'] as const,
  metrics: (scope: number | null) => ['metrics', scope] as const,
  admins: ['admins'] as const,
};

function unwrap<T>(res: CachedOf<T>): T {
  noteCached(res);
  return res.data;
}

export interface CachedData<T> {
  data: T;
  stale: boolean;
  fetchedAt: string;
}

export const useSession = () => useQuery({ queryKey: keys.session, queryFn: () => loctelli().auth.getSession(), staleTime: 5_000 });
export const useProfiles = () => useQuery({ queryKey: keys.profiles, queryFn: () => loctelli().profiles.list() });
export const useSettings = () => useQuery({ queryKey: keys.settings, queryFn: () => loctelli().settings.get(), staleTime: Infinity });

export const useTemplates = () =>
  useQuery({ queryKey: keys.templates, queryFn: async () => unwrap(await loctelli().templates.list()), staleTime: 60_000 });

export const useTemplate = (id: number | null) =>
  useQuery({
    queryKey: keys.template(id ?? 0),
    queryFn: async () => unwrap(await loctelli().templates.get(id!)),
    enabled: id !== null && id > 0,
    staleTime: 60_000,
  });

export const useSubaccounts = () =>
  useQuery({ queryKey: keys.subaccounts, queryFn: async () => unwrap(await loctelli().subaccounts.list()), staleTime: 30_000 });

/** Page size of the integration list: the API's maximum, so 10,000 rows are 50 calls. */
const PAGE = 200;

/**
 * Every integration of a subaccount (or of all visible ones, scope null), read page by page. Filters,
 * search, counts and sorting are done on the client so they are instant and the counts match the rows.
 */
export async function fetchAllIntegrations(scope: number | null, onPage?: (items: Integration[]) => void): Promise<CachedData<Integration[]>> {
  const all: Integration[] = [];
  let cursor: string | undefined;
  let stale = false;
  let fetchedAt = new Date().toISOString();
  for (let guard = 0; guard < 1000; guard++) {
    const q: ListIntegrationsQuery = { limit: PAGE, ...(scope ? { subAccountId: scope } : {}), ...(cursor ? { cursor } : {}) };
    const res = await loctelli().integrations.list(q);
    noteCached(res);
    stale ||= res.stale;
    if (res.stale) fetchedAt = res.fetchedAt;
    all.push(...res.data.items);
    onPage?.(all.slice());
    if (!res.data.nextCursor) break;
    cursor = res.data.nextCursor;
  }
  return { data: all, stale, fetchedAt };
}

export const useAllIntegrations = (scope: number | null) =>
  useQuery({ queryKey: keys.integrationList(scope), queryFn: () => fetchAllIntegrations(scope), staleTime: 10_000 });

export const useIntegration = (id: number) =>
  useQuery({
    queryKey: keys.integration(id),
    queryFn: async () => {
      const res = await loctelli().integrations.get(id);
      noteCached(res);
      return res;
    },
    enabled: id > 0,
  });

export const useSummary = (scope: number | null) =>
  useQuery({
    queryKey: keys.summary(scope),
    queryFn: async () => unwrap(await loctelli().integrations.summary(scope ? { subAccountId: scope } : { groupBy: 'subAccount' })),
    staleTime: 10_000,
  });

export const useSyncRuns = (id: number) =>
  useQuery({ queryKey: keys.syncRuns(id), queryFn: () => loctelli().syncRuns.list(id, { limit: 50 }), enabled: id > 0, retry: false });

export const useDrafts = () => useQuery({ queryKey: keys.drafts, queryFn: () => loctelli().drafts.list() });

export const useMetrics = (scope: number | null) =>
  useQuery({
    queryKey: keys.metrics(scope),
    queryFn: () => loctelli().metrics.get(scope ? { subAccountId: scope } : {}),
    retry: false,
    staleTime: 60_000,
  });

/** After any change to integrations: lists, detail, summary, subaccount counts, drafts. */
export function invalidateIntegrations(qc: QueryClient, id?: number) {
  void qc.invalidateQueries({ queryKey: keys.integrations });
  void qc.invalidateQueries({ queryKey: ['summary'] });
  void qc.invalidateQueries({ queryKey: keys.subaccounts });
  void qc.invalidateQueries({ queryKey: ['audit'] });
  void qc.invalidateQueries({ queryKey: ['metrics'] });
  if (id) {
    void qc.invalidateQueries({ queryKey: keys.syncRuns(id) });
    void qc.invalidateQueries({ queryKey: ['records', id] });
  }
}

export const useQc = useQueryClient;
