/**
 * Screenshots of every main screen in light and dark theme, into test-results/screenshots/ (artifacts to
 * look at): catalog, Learn More, integrations, integration detail (overview, sync history, synced data,
 * configuration, webhook), dashboard, drafts, templates, template editor, audit log, settings, the wizard's
 * overview and configuration with field errors, and the command palette. Each screen is also checked to
 * render its heading without page errors. (Folds in the former e2e/screenshots.ts and wizard-smoke.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN } from '../server/providers/gohighlevel/fake';
import { card, chooseScope, chooseWizardSubaccount, createSubaccount, mainNav, nextToTest, openConsole, realProblems, setTheme, shot, startSetup, type Console } from './support/console';

const SUB = 'Screenshot Dental';

describe('main screens in light and dark', () => {
  let c: Console;
  let detailId: number;
  beforeAll(async () => {
    c = await openConsole();
    // Something to show on every screen, whatever ran before.
    const sub = await createSubaccount(c.page, SUB);
    detailId = await c.page.evaluate(
      async ({ sub, key, loc }) => {
        type L = {
          templates: { list(): Promise<{ data: { id: number; name: string }[] }> };
          integrations: { create(b: object): Promise<{ id: number }>; activate(id: number): Promise<unknown>; sync(id: number): Promise<unknown> };
          drafts: { save(d: object): Promise<unknown> };
        };
        const api = (globalThis as unknown as { loctelli: L }).loctelli;
        const templates = (await api.templates.list()).data;
        const ghl = templates.find((t) => t.name === 'GoHighLevel')!;
        const fb = templates.find((t) => t.name === 'FacebookAds')!;
        const i = await api.integrations.create({ subAccountId: sub, integrationTemplateId: ghl.id, name: 'Screenshot – GoHighLevel', description: 'Contacts and appointments of the front desk.', config: { apiKey: key, locationId: loc } });
        await api.integrations.activate(i.id);
        await api.integrations.sync(i.id);
        // A broken one for "Needs attention", and a draft.
        const bad = await api.integrations.create({ subAccountId: sub, integrationTemplateId: ghl.id, name: 'Screenshot – revoked key', config: { apiKey: 'pit-revoked-key-000000', locationId: loc } });
        await api.integrations.activate(bad.id).catch(() => {});
        await api.drafts.save({ kind: 'create', subAccountId: sub, integrationTemplateId: fb?.id ?? ghl.id, name: 'Screenshot – draft', description: null, config: { adAccountId: '12' } });
        return i.id;
      },
      { sub, key: FAKE_VALID_TOKEN, loc: FAKE_LOCATION_ID },
    );
    await c.page.reload();
    await mainNav(c.page).waitFor();
    await chooseScope(c.page, 'All subaccounts');
  });
  afterAll(async () => {
    if (c) await setTheme(c.page, 'light').catch(() => {});
    await c?.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`every main screen, ${theme}`, async () => {
      const { page, url } = c;
      onTestFailed(() => shot(page, `FAILED-screens-${theme}`));
      await setTheme(page, theme);
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme)).toContain(theme);

      const screens: [string, string, string | RegExp][] = [
        ['catalog', '#/catalog', 'Catalog'],
        ['integrations', '#/integrations', 'Integrations'],
        ['detail-overview', `#/integrations/${detailId}`, 'Screenshot – GoHighLevel'],
        ['detail-syncs', `#/integrations/${detailId}?tab=syncs`, 'Screenshot – GoHighLevel'],
        ['detail-data', `#/integrations/${detailId}?tab=data`, 'Screenshot – GoHighLevel'],
        ['detail-config', `#/integrations/${detailId}?tab=config`, 'Screenshot – GoHighLevel'],
        ['detail-webhook', `#/integrations/${detailId}?tab=webhook`, 'Screenshot – GoHighLevel'],
        ['dashboard', '#/dashboard', 'Dashboard'],
        ['drafts', '#/drafts', 'Drafts'],
        ['templates', '#/templates', 'Templates'],
        ['template-editor', '#/templates/new', 'New template'],
        ['audit', '#/audit', 'Audit'],
        ['settings', '#/settings', 'Settings'],
      ];
      for (const [name, hash, heading] of screens) {
        await page.goto(url + hash);
        await page.locator('main h1', { hasText: heading }).first().waitFor();
        await page.waitForTimeout(500);
        await shot(page, `screen-${name}-${theme}`);
      }

      // Learn More on a catalog card (rendered setup instructions).
      await page.goto(`${url}#/catalog`);
      await card(page, 'GoHighLevel CRM').getByRole('button', { name: 'Learn More' }).click();
      await page.getByRole('dialog').waitFor();
      await shot(page, `screen-learn-more-${theme}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });

      // The wizard: overview, then configuration with errors at the fields.
      await card(page, 'GoHighLevel CRM').getByRole('button', { name: 'Setup Integration' }).click();
      await page.getByRole('button', { name: 'Start' }).waitFor();
      await shot(page, `screen-wizard-overview-${theme}`);
      await page.goto(`${url}#/catalog`);
      await startSetup(page, 'GoHighLevel CRM');
      await chooseWizardSubaccount(page, SUB);
      await page.getByLabel(/^API Key/).fill('short');
      await page.getByLabel(/^Location ID/).fill('bad id');
      await page.getByRole('button', { name: 'Next: test the connection' }).click();
      await page.getByText(/at least 10 characters/).waitFor();
      await shot(page, `screen-wizard-config-errors-${theme}`);
      await page.getByLabel(/^API Key/).fill(FAKE_VALID_TOKEN);
      await page.getByLabel(/^Location ID/).fill(FAKE_LOCATION_ID);
      await nextToTest(page);
      await page.getByText('Connection works').waitFor({ timeout: 60_000 });
      await shot(page, `screen-wizard-test-ok-${theme}`);
      // Leave without saving; discard the draft it made so Drafts stays as arranged.
      await page.evaluate(async () => {
        type D = { drafts: { list(): Promise<{ id: string; name: string }[]>; discard(id: string): Promise<unknown> } };
        const api = (globalThis as unknown as { loctelli: D }).loctelli;
        for (const d of await api.drafts.list()) if (d.name === 'GoHighLevel CRM') await api.drafts.discard(d.id);
      });

      // The command palette.
      await page.goto(`${url}#/dashboard`);
      await page.locator('main h1', { hasText: 'Dashboard' }).waitFor();
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox', { name: /command/i }).fill('dash');
      await page.waitForTimeout(200);
      await shot(page, `screen-command-palette-${theme}`);
      await page.keyboard.press('Escape');

      expect(realProblems(c.problems)).toEqual([]);
    });
  }
});
