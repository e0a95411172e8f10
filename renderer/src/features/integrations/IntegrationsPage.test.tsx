import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Integration, IntegrationPage } from '../../../../shared/api/integrations';
import { createFake, integration, now, type Fake } from '../../test/fakeLoctelli';
import { renderInApp } from '../../test/render';
import { IntegrationsPage } from './IntegrationsPage';

let fake: Fake;
beforeEach(() => {
  localStorage.clear();
  fake = createFake();
  fake.install();
  const sub = (id: number, name: string) => ({ id, name, description: null, createdAt: now, updatedAt: now, integrationCounts: { pending: 0, active: 0, error: 0, disconnected: 0, total: 0 } });
  fake.override('subaccounts.list', async () => ({ data: [sub(1, 'Acme'), sub(2, 'Globex')], stale: false, fetchedAt: now }));
});
afterEach(cleanup);

// 1,200 integrations, newest (highest id) first as the server sends them; names run the other way.
const ALL: Integration[] = Array.from({ length: 1200 }, (_, k) => integration({ id: 1200 - k, name: `Integration ${String(k).padStart(4, '0')}` }));

const grid = () => screen.getByRole('grid', { name: 'Integrations' });
const firstRowName = () => within(grid()).getAllByRole('row')[1].querySelector('.cell-name')?.textContent;

describe('integrations page', () => {
  it('shows the first page at the list\'s full size while the rest arrives, without moving the rows shown', async () => {
    let release!: () => void;
    const rest = new Promise<void>((r) => (release = r));
    fake.override('integrations.list', async (q: { cursor?: string; limit: number }) => {
      const from = q.cursor ? Number(q.cursor) : 0;
      if (q.cursor) await rest;
      const items = ALL.slice(from, from + q.limit);
      const next = from + q.limit < ALL.length ? String(from + q.limit) : null;
      const page: IntegrationPage = { items, nextCursor: next, ...(q.cursor ? {} : { total: ALL.length }) };
      return { data: page, stale: false, fetchedAt: now };
    });
    renderInApp(<IntegrationsPage />);

    // First page: 200 rows read, the grid sized for all 1,200, newest first.
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe('1201'));
    expect(screen.getByRole('status').textContent).toMatch(/loading 200 of 1,200/);
    expect(firstRowName()).toBe('Integration 0000');
    expect(fake.callsOf('integrations.list')[0]).toEqual([{ limit: 200, withTotal: true }]);

    // A search while the rest is on its way says it looked at the rows read so far, then at all of them.
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search integrations' }), { target: { value: 'Integration 1150' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('0 found in the first 200 of 1,200, loading the rest…'));
    release();
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
    expect(screen.getByText(/1 of 1,200/)).toBeTruthy();
    expect(firstRowName()).toBe('Integration 1150');
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search integrations' }), { target: { value: '' } });
    await waitFor(() => expect(screen.getByText(/1,200 of 1,200/)).toBeTruthy());
    expect(grid().getAttribute('aria-rowcount')).toBe('1201');
    expect(firstRowName()).toBe('Integration 0000');
    expect(fake.callsOf('integrations.list').slice(1)).toEqual([[{ limit: 1000, cursor: '200' }]]);
    expect(grid().querySelector('[aria-busy]')).toBeNull();

    // Name: ascending, descending, then back to newest first.
    const nameHeader = () => screen.getByRole('columnheader', { name: /Name/ });
    fireEvent.click(within(nameHeader()).getByRole('button'));
    expect(nameHeader().getAttribute('aria-sort')).toBe('ascending');
    expect(firstRowName()).toBe('Integration 0000');
    fireEvent.click(within(nameHeader()).getByRole('button'));
    expect(nameHeader().getAttribute('aria-sort')).toBe('descending');
    expect(firstRowName()).toBe('Integration 1199');
    fireEvent.click(within(nameHeader()).getByRole('button'));
    expect(nameHeader().getAttribute('aria-sort')).toBe('none');
    expect(firstRowName()).toBe('Integration 0000');
  });

  it('says the list could not be loaded, not that there are no integrations', async () => {
    fake.override('integrations.list', async () => {
      throw Object.assign(new Error('The server answered 500'), { code: 'server_error' });
    });
    renderInApp(<IntegrationsPage />);
    expect(await screen.findByText('The integrations could not be loaded')).toBeTruthy();
    expect(screen.queryByText('No integrations yet')).toBeNull();
  });

  it('with none at all, says so and points to the catalog instead of an empty table', async () => {
    fake.override('integrations.list', async () => ({ data: { items: [], nextCursor: null, total: 0 } satisfies IntegrationPage, stale: false, fetchedAt: now }));
    renderInApp(<IntegrationsPage />);
    expect(await screen.findByText('No integrations yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Catalog' }).getAttribute('href')).toBe('#/catalog');
    expect(screen.queryByRole('grid', { name: 'Integrations' })).toBeNull();
    expect(screen.queryByText('Loading integrations')).toBeNull();
  });

  it('draws rows not read yet as placeholders when scrolled past the first page', async () => {
    fake.override('integrations.list', async (q: { cursor?: string; limit: number }) => {
      if (q.cursor) return new Promise(() => {}); // never: the rest is still on its way
      return { data: { items: ALL.slice(0, q.limit), nextCursor: '200', total: ALL.length }, stale: false, fetchedAt: now };
    });
    renderInApp(<IntegrationsPage />);
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe('1201'));
    const el = grid();
    el.scrollTop = 36 * 600;
    fireEvent.scroll(el);
    await waitFor(() => expect(el.querySelectorAll('[aria-busy="true"]').length).toBeGreaterThan(5));
    expect(el.querySelector('.int-row:not(.int-row-pending)')).toBeNull();
  });
});
