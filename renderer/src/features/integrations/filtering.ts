import type { IntegrationStatus } from '../../../../shared/api/common';
import type { Integration } from '../../../../shared/api/integrations';

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
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const matches = (i: Integration, f: Filters, skip?: keyof Filters) => {
  if (skip !== 'status' && f.status && i.status !== f.status) return false;
  if (skip !== 'templateId' && f.templateId && i.integrationTemplateId !== f.templateId) return false;
  if (skip !== 'subAccountId' && f.subAccountId && i.subAccountId !== f.subAccountId) return false;
  if (f.q) {
    const hay = `${i.name} ${i.template.displayName} ${i.subAccountName} ${i.errorMessage ?? ''} ${i.description ?? ''}`.toLowerCase();
    if (!f.q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
  }
  return true;
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

const STATUS_RANK: Record<IntegrationStatus, number> = { error: 0, disconnected: 1, pending: 2, active: 3 };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortIntegrations(items: Integration[], s: Sort): Integration[] {
  const dir = s.dir === 'asc' ? 1 : -1;
  const val = (i: Integration): string | number => {
    switch (s.key) {
      case 'name':
        return i.name;
      case 'template':
        return i.template.displayName;
      case 'subaccount':
        return i.subAccountName;
      case 'status':
        return STATUS_RANK[i.status];
      case 'active':
        return i.isActive ? 1 : 0;
      case 'lastSync':
        return i.lastSyncAt ? Date.parse(i.lastSyncAt) : 0;
      case 'error':
        return i.errorMessage ?? '';
      case 'created':
        return i.id;
    }
  };
  return items
    .map((i) => ({ i, v: val(i) }))
    .sort((a, b) => {
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c !== 0 ? c * dir : a.i.id - b.i.id;
    })
    .map((x) => x.i);
}
