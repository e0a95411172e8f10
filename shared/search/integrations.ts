import type { IntegrationStatus } from '../api/common';

/**
 * The one definition of how integrations are searched and sorted: the server's list query implements it in SQL
 * (server/integrations/list-order.ts), the console's offline cache and any client-side filter with these functions.
 *
 * A search matches when every word of it (split on white space, case-insensitive) appears in one of the searched
 * fields: the name, the template's display name, the subaccount's name, the last error or the description.
 */
export const SEARCH_MAX_WORDS = 8;

export function searchWords(q: string | null | undefined): string[] {
  return (q ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, SEARCH_MAX_WORDS);
}

/** The fields a search looks in, as the Integration DTO names them. */
export interface SearchableIntegration {
  id: number;
  name: string;
  description: string | null;
  errorMessage: string | null;
  subAccountName: string;
  template: { displayName: string };
  status: IntegrationStatus;
  isActive: boolean;
  lastSyncAt: string | null;
}

export function matchesSearch(i: SearchableIntegration, words: string[]): boolean {
  if (words.length === 0) return true;
  const fields = [i.name, i.template.displayName, i.subAccountName, i.errorMessage ?? '', i.description ?? ''].map((f) => f.toLowerCase());
  return words.every((w) => fields.some((f) => f.includes(w)));
}

export const INTEGRATION_SORT_KEYS = ['created', 'name', 'template', 'subaccount', 'status', 'active', 'lastSync', 'error'] as const;
export type IntegrationSortKey = (typeof INTEGRATION_SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';
/** Newest first. */
export const DEFAULT_INTEGRATION_SORT: { sort: IntegrationSortKey; order: SortOrder } = { sort: 'created', order: 'desc' };

/** Status sorts by urgency, not alphabetically. */
export const STATUS_RANK: Record<IntegrationStatus, number> = { error: 0, disconnected: 1, pending: 2, active: 3 };

/** Text sorts compare the first this many characters, lower-cased (a bounded key keeps cursors small). */
export const SORT_TEXT_PREFIX = 64;

/** The value an integration sorts by; ties are broken by id in the same direction. */
export function sortValue(i: SearchableIntegration, key: IntegrationSortKey): string | number {
  const text = (s: string | null) => (s ?? '').toLowerCase().slice(0, SORT_TEXT_PREFIX);
  switch (key) {
    case 'created':
      return i.id;
    case 'name':
      return text(i.name);
    case 'template':
      return text(i.template.displayName);
    case 'subaccount':
      return text(i.subAccountName);
    case 'status':
      return STATUS_RANK[i.status];
    case 'active':
      return i.isActive ? 1 : 0;
    case 'lastSync':
      // Microseconds since the epoch, never-synced first: what the SQL compares.
      return i.lastSyncAt ? Date.parse(i.lastSyncAt) * 1000 : -1;
    case 'error':
      return text(i.errorMessage);
  }
}

export function compareIntegrations(a: SearchableIntegration, b: SearchableIntegration, key: IntegrationSortKey, order: SortOrder): number {
  const va = sortValue(a, key);
  const vb = sortValue(b, key);
  const c = va < vb ? -1 : va > vb ? 1 : a.id - b.id;
  return order === 'asc' ? c : -c;
}
