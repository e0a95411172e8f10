import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { integration } from '../../test/fakeLoctelli';
import { applyFilters, facetCounts, sortIntegrations } from './filtering';
import { IntegrationsTable } from './IntegrationsTable';

afterEach(cleanup);

const many = Array.from({ length: 10_000 }, (_, k) =>
  integration({ id: k + 1, name: `Integration ${k + 1}`, status: (['active', 'pending', 'error', 'disconnected'] as const)[k % 4], subAccountId: (k % 3) + 1, subAccountName: `Sub ${(k % 3) + 1}` }),
);

describe('integrations table', () => {
  it('renders only a window of 10,000 rows and selects with the keyboard', () => {
    let selected = new Set<number>();
    const { container, rerender } = render(
      <QueryClientProvider client={new QueryClient()}>
        <IntegrationsTable rows={many} selected={selected} setSelected={(s) => (selected = s)} sort={{ key: 'name', dir: 'asc' }} setSort={() => {}} showSubaccount />
      </QueryClientProvider>,
    );
    const rows = container.querySelectorAll('[role="row"]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    const grid = container.querySelector('[role="grid"]')!;
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    fireEvent.keyDown(grid, { key: ' ' });
    expect([...selected]).toEqual([2]);
    rerender(
      <QueryClientProvider client={new QueryClient()}>
        <IntegrationsTable rows={many} selected={selected} setSelected={(s) => (selected = s)} sort={{ key: 'name', dir: 'asc' }} setSort={() => {}} showSubaccount />
      </QueryClientProvider>,
    );
    expect(container.querySelector('#int-row-2')?.getAttribute('aria-selected')).toBe('true');
  });

  it('filters, counts per facet with the other filters applied, and sorts', () => {
    const f = { status: 'error' as const, templateId: null, subAccountId: 2, q: '' };
    const shown = applyFilters(many, f);
    expect(shown.every((i) => i.status === 'error' && i.subAccountId === 2)).toBe(true);
    const byStatus = facetCounts(many, f, 'status');
    expect([...byStatus.values()].reduce((a, b) => a + b, 0)).toBe(many.filter((i) => i.subAccountId === 2).length);
    expect(applyFilters(many, { status: null, templateId: null, subAccountId: null, q: 'integration 9999' }).map((i) => i.id)).toEqual([9999]);
    // The server's order (shared/search/integrations.ts): names compared character by character, as SQL does.
    const sorted = sortIntegrations(many.slice(0, 20), { key: 'name', dir: 'desc' });
    expect(sorted.slice(0, 3).map((i) => i.name)).toEqual(['Integration 9', 'Integration 8', 'Integration 7']);
    expect(sortIntegrations(many.slice(0, 20), { key: 'name', dir: 'asc' }).slice(0, 3).map((i) => i.name)).toEqual(['Integration 1', 'Integration 10', 'Integration 11']);
  });
});
