/**
 * Bulk "Sync now" across two subaccounts: on "All subaccounts", select one GoHighLevel integration of
 * each subaccount, run Sync now from the bulk bar, and watch the live panel report a result per item;
 * the table then shows both synced and each detail page counts its own location's contacts.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { FAKE_LOCATION_ID, FAKE_OTHER_LOCATION_ID, FAKE_OTHER_LOCATION_TOKEN, FAKE_VALID_TOKEN } from '../server/providers/gohighlevel/fake';
import { chooseScope, createSubaccount, goTo, openConsole, realProblems, recordCount, shot, type Console } from './support/console';

const NORTH = 'North Clinic';
const SOUTH = 'South Clinic';
const N_NAME = 'North – GoHighLevel (bulk)';
const S_NAME = 'South – GoHighLevel (bulk)';

describe('bulk sync across two subaccounts', () => {
  let c: Console;
  let ids: { north: number; south: number };
  beforeAll(async () => {
    c = await openConsole();
    const north = await createSubaccount(c.page, NORTH);
    const south = await createSubaccount(c.page, SOUTH);
    // Arranged through the bridge (the single setup is covered by the GoHighLevel scenario).
    ids = await c.page.evaluate(
      async ({ north, south, nName, sName, nLoc, sLoc, nKey, sKey }) => {
        type L = {
          templates: { list(): Promise<{ data: { id: number; name: string }[] }> };
          integrations: { create(b: object): Promise<{ id: number }>; activate(id: number): Promise<unknown> };
        };
        const api = (globalThis as unknown as { loctelli: L }).loctelli;
        const ghl = (await api.templates.list()).data.find((t) => t.name === 'GoHighLevel')!;
        const make = async (subAccountId: number, name: string, locationId: string, apiKey: string) => {
          const i = await api.integrations.create({ subAccountId, integrationTemplateId: ghl.id, name, config: { apiKey, locationId } });
          await api.integrations.activate(i.id);
          return i.id;
        };
        return { north: await make(north, nName, nLoc, nKey), south: await make(south, sName, sLoc, sKey) };
      },
      { north, south, nName: N_NAME, sName: S_NAME, nLoc: FAKE_LOCATION_ID, sLoc: FAKE_OTHER_LOCATION_ID, nKey: FAKE_VALID_TOKEN, sKey: FAKE_OTHER_LOCATION_TOKEN },
    );
    await c.page.reload();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('selects one integration per subaccount and syncs both, with a live result per item', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-bulk-sync'));
    await chooseScope(page, 'All subaccounts');
    await goTo(page, 'Integrations');
    await page.getByRole('searchbox', { name: 'Search integrations' }).fill('(bulk)');
    const grid = page.getByRole('grid', { name: 'Integrations' });
    const row = (name: string) => grid.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
    await row(N_NAME).waitFor();
    // The Subaccount column tells them apart.
    expect(await row(N_NAME).textContent()).toContain(NORTH);
    expect(await row(S_NAME).textContent()).toContain(SOUTH);
    expect(await row(N_NAME).textContent()).toContain('never');

    await grid.getByRole('checkbox', { name: `Select ${N_NAME}` }).click();
    await grid.getByRole('checkbox', { name: `Select ${S_NAME}` }).click();
    const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
    expect(await bar.textContent()).toContain('2 selected');
    await bar.getByRole('button', { name: 'Sync now' }).click();

    // The live panel: a result per integration, then the total.
    const panel = page.locator('section.bulk-panel');
    await expect.poll(() => panel.getByRole('heading').textContent(), { timeout: 60_000 }).toMatch(/Sync now · 2\/2 — 2 succeeded/);
    const items = panel.getByRole('listitem');
    await expect.poll(() => items.filter({ hasText: 'Sync succeeded' }).count(), { timeout: 60_000 }).toBe(2);
    await shot(page, 'flow-bulk-sync-done');

    // Both rows now show a last sync.
    await expect.poll(() => row(N_NAME).textContent()).not.toContain('never');
    await expect.poll(() => row(S_NAME).textContent()).not.toContain('never');

    // Each integration holds its own location's contacts (250 at Acme Dental, 5 at the other clinic).
    await page.goto(`${c.url}#/integrations/${ids.north}?tab=data`);
    await expect.poll(() => recordCount(page, 'Contact')).toBe('250');
    await page.goto(`${c.url}#/integrations/${ids.south}?tab=data`);
    await expect.poll(() => recordCount(page, 'Contact')).toBe('5');

    // Scoped to one subaccount, only its integration is listed.
    await chooseScope(page, SOUTH);
    await goTo(page, 'Integrations');
    await page.getByRole('grid', { name: 'Integrations' }).getByRole('link', { name: S_NAME }).waitFor();
    expect(await page.getByRole('grid', { name: 'Integrations' }).getByRole('link', { name: N_NAME }).count()).toBe(0);
    expect(realProblems(c.problems)).toEqual([]);
  });
});
