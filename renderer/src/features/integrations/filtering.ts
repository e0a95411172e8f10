import type { IntegrationStatus } from '../../../../shared/api/common';
import type { Integration } from '../../../../shared/api/integrations';
import { compareIntegrations, matchesSearch, searchWords, type IntegrationSortKey } from '../../../../shared/search/integrations';

export interface Filters {
  status: IntegrationStatus | null;
  templateId: number | null;
  subAccountId: number | null;
  q: string;
}

export type SortKey = 'name' | 'template' | 'subaccount' | 'status' | 'active' | 'lastSync' | 'error' | 'created';

/**
 * Newest first: the order the server sends the list in, so while it is still arriving the rows already shown
 * keep their places (the next pages only add rows below them).
 */
export const DEFAULT_SORT: Sort = { key: 'created', dir: 'desc' };
export const isDefaultSort = (s: Sort) => s.key === DEFAULT_SORT.key && s.dir === DEFAULT_SORT.dir;
/** The table's column keys, as the API's sort keys. */
const SORT_KEY: Record<SortKey, IntegrationSortKey> = {
  name: 'name',
  template: 'template',
  subaccount: 'subaccount',
  status: 'status',
  active: 'active',
  lastSync: 'lastSync',
  error: 'error',
  created: 'created',
};

export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const matches = (i: Integration, f: Filters, skip?: keyof Filters) => {
  if (skip !== 'status' && f.status && i.status !== f.status) return false;
  if (skip !== 'templateId' && f.templateId && i.integrationTemplateId !== f.templateId) return false;
  if (skip !== 'subAccountId' && f.subAccountId && i.subAccountId !== f.subAccountId) return false;
  return matchesSearch(i, searchWords(f.q));
};

export function applyFilters(items: Integration[], f: Filters): Integration[] {
  return items.filter((i) => matches(i, f));
}

/** Counts per option of one filter with the other filters applied, so each number is what clicking it shows. */
export function facetCounts<K extends 'status' | 'templateId' | 'subAccountId'>(items: Integration[], f: Filters, facet: K): Map<string | number, number> {
  const out = new Map<string | number, number>();
  const field = facet === 'status' ? 'status' : facet === 'templateId' ? 'integrationTemplateId' : 'subAccountId';
  for (const i of items) {
    if (!matches(i, f, facet)) continue;
    const v = i[field] as string | number;
    out.set(v, (out.get(v) ?? 0) + 1);
  }
  return out;
}

/** The server's order (shared/search/integrations.ts), so rows keep their places when the list moves to server paging. */
export function sortIntegrations(items: Integration[], s: Sort): Integration[] {
  const key = SORT_KEY[s.key];
  return [...items].sort((a, b) => compareIntegrations(a, b, key, s.dir));
}
