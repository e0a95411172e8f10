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
import { createStore, useStore } from '../lib/store';

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
  templateCounts: (scope: number | null) => ['summary', 'byTemplate', scope] as const,
  syncRuns: (id: number) => ['syncRuns', id] as const,
  records: (id: number, kind: string | null) => ['records', id, kind] as const,
  webhookEvents: (id: number) => ['webhookEvents', id] as const,
  audit: (q: ListAuditQuery) => ['audit', q] as const,
  drafts: ['drafts'] as const,
  metrics: (scope: number | null) => ['metrics', scope] as const,
  admins: ['admins'] as const,
};

/** A cached (offline) answer's data, its staleness noted for the connectivity banner. */
export function unwrap<T>(res: CachedOf<T>): T {
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

/**
 * Page sizes of the integration list: a small first page (with the total) so the table can show its first
 * rows and its full height at once, then the API's maximum, so 10,000 rows are 11 calls.
 */
const FIRST_PAGE = 200;
const PAGE = 1000;

/** A list being read: the rows so far, in the server's order (newest first), and how many there will be. */
export interface ListProgress {
  items: Integration[];
  total: number | null;
}

const listProgress = createStore<ReadonlyMap<string, ListProgress>>(new Map());
const progressKey = (scope: number | null) => String(scope ?? 'all');

function setProgress(scope: number | null, p: ListProgress | null) {
  listProgress.set((m) => {
    const next = new Map(m);
    if (p) next.set(progressKey(scope), p);
    else next.delete(progressKey(scope));
    return next;
  });
}

/** The rows read so far while `useAllIntegrations(scope)` has no answer yet; null when it is not reading. */
export const useListProgress = (scope: number | null) => useStore(listProgress, (m) => m.get(progressKey(scope)) ?? null);

/**
 * Every integration of a subaccount (or of all visible ones, scope null), read page by page. Filters,
 * search, counts and sorting are done on the client so they are instant and the counts match the rows.
 * The rows read so far are published (`useListProgress`) so a screen can show them before the last page.
 */
export async function fetchAllIntegrations(scope: number | null): Promise<CachedData<Integration[]>> {
  const all: Integration[] = [];
  let cursor: string | undefined;
  let stale = false;
  let total: number | null = null;
  let fetchedAt = new Date().toISOString();
  try {
    for (let guard = 0; guard < 1000; guard++) {
      const q: ListIntegrationsQuery = {
        limit: cursor ? PAGE : FIRST_PAGE,
        ...(scope ? { subAccountId: scope } : {}),
        ...(cursor ? { cursor } : { withTotal: true }),
      };
      const res = await loctelli().integrations.list(q);
      noteCached(res);
      stale ||= res.stale;
      if (res.stale) fetchedAt = res.fetchedAt;
      total ??= res.data.total ?? null;
      all.push(...res.data.items);
      if (!res.data.nextCursor) break;
      setProgress(scope, { items: all.slice(), total });
      cursor = res.data.nextCursor;
    }
  } finally {
    setProgress(scope, null);
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

/** Integrations per template and status (the catalog's and the templates screen's counts), without reading them all. */
export const useTemplateCounts = (scope: number | null) =>
  useQuery({
    queryKey: keys.templateCounts(scope),
    queryFn: async () => unwrap(await loctelli().integrations.summary({ groupBy: 'template', ...(scope ? { subAccountId: scope } : {}) })).byTemplate ?? [],
    staleTime: 10_000,
  });

export const useSyncRuns = (id: number) =>
  useQuery({ queryKey: keys.syncRuns(id), queryFn: () => loctelli().syncRuns.list(id, { limit: 50 }), enabled: id > 0, retry: false });

export const useDrafts = () => useQuery({ queryKey: keys.drafts, queryFn: () => loctelli().drafts.list() });

export const useMetrics = (scope: number | null) =>
  useQuery({
    queryKey: keys.metrics(scope),
    queryFn: async () => unwrap(await loctelli().metrics.get(scope ? { subAccountId: scope } : {})),
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
