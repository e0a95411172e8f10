/**
 * A new user sets up GoHighLevel from the catalog: a wrong key fails clearly at step 3, fixing it makes
 * the test pass (showing the location reached), activation starts the first sync, the contact count shows
 * on the integration's Synced data tab and the dashboard counts the integration as active.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN } from '../server/providers/gohighlevel/fake';
import {
  activateAndOpen,
  card,
  chooseScope,
  createSubaccount,
  goTo,
  nameField,
  nextToTest,
  openConsole,
  realProblems,
  recordCount,
  shot,
  startSetup,
  statValue,
  testAnswer,
  type Console,
} from './support/console';

const SUB = 'Acme Dental Group';
const NAME = 'Acme – GoHighLevel';

describe('GoHighLevel setup, as a new user', () => {
  let c: Console;
  beforeAll(async () => {
    c = await openConsole();
    await createSubaccount(c.page, SUB);
    await c.page.reload();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('catalog → wrong key → fix → test OK → activate → sync → contacts → dashboard', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-gohighlevel'));
    await chooseScope(page, SUB);

    // The catalog shows GoHighLevel as not configured for this subaccount.
    await goTo(page, 'Catalog');
    const ghl = card(page, 'GoHighLevel CRM');
    await expect.poll(() => ghl.locator('[aria-label="Status"]').textContent()).toContain('Not Configured');
    await shot(page, 'flow-ghl-1-catalog');

    await startSetup(page, 'GoHighLevel CRM');
    await nameField(page).fill(NAME);
    await page.getByLabel(/^API Key/).fill('pit-this-key-is-wrong-000');
    await page.getByLabel(/^Location ID/).fill(FAKE_LOCATION_ID);
    await nextToTest(page);

    // Step 3: a clear failure that says what to fix.
    let panel = await testAnswer(page);
    await expect.poll(() => panel.textContent()).toContain('The connection test failed');
    expect(await panel.textContent()).toMatch(/What to fix:.*credentials were refused/);
    expect(await page.getByRole('button', { name: 'Next: confirm' }).isDisabled()).toBe(true);
    await shot(page, 'flow-ghl-2-wrong-key');

    // Back to step 2: the values are kept; type the right key.
    await page.getByRole('button', { name: 'Back to configuration' }).click();
    expect(await page.getByLabel(/^Location ID/).inputValue()).toBe(FAKE_LOCATION_ID);
    expect(await nameField(page).inputValue()).toBe(NAME);
    await page.getByLabel(/^API Key/).fill(FAKE_VALID_TOKEN);
    await nextToTest(page);
    panel = await testAnswer(page);
    await expect.poll(() => panel.textContent()).toContain('Connection works');
    expect(await panel.textContent()).toContain('Acme Dental');
    await shot(page, 'flow-ghl-3-test-ok');

    // Step 4: save, activate and the first sync.
    await activateAndOpen(page, NAME);
    await page.getByText('First sync finished').waitFor({ timeout: 90_000 });
    await shot(page, 'flow-ghl-4-activated');
    await page.getByRole('link', { name: 'Open integration' }).click();

    // The detail page: active, and the synced contacts counted.
    await page.getByRole('tablist', { name: 'Integration sections' }).waitFor();
    expect(await page.locator('main h1').textContent()).toContain('Active');
    await page.getByRole('tab', { name: 'Synced data' }).click();
    await expect.poll(() => recordCount(page, 'Contact'), { timeout: 30_000 }).toBe('250');
    await shot(page, 'flow-ghl-5-synced-contacts');

    // Sync now: another run, the count stays (upserts, not duplicates).
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('status').filter({ hasText: /Sync succeeded/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: 'Sync history' }).click();
    await expect.poll(async () => page.getByRole('table').getByRole('row').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await page.getByRole('tab', { name: 'Synced data' }).click();
    await expect.poll(() => recordCount(page, 'Contact')).toBe('250');

    // The dashboard of this subaccount shows it.
    await goTo(page, 'Dashboard');
    await expect.poll(() => statValue(page, 'Total')).toBe('1');
    await expect.poll(() => statValue(page, 'Active')).toBe('1');
    await expect.poll(() => page.getByRole('heading', { name: 'Recent activity' }).locator('xpath=../..').textContent(), { timeout: 20_000 }).toContain(`${NAME}: sync succeeded`);
    await shot(page, 'flow-ghl-6-dashboard');

    // And the catalog card now says Active.
    await goTo(page, 'Catalog');
    await expect.poll(() => card(page, 'GoHighLevel CRM').locator('[aria-label="Status"]').textContent()).toContain('Active');
    expect(realProblems(c.problems)).toEqual([]);
  });
});
