/**
 * The same first-setup journey for Facebook Ads and Google Analytics: a wrong value fails clearly at the
 * connection test, the fix passes and says what was reached (ad account / property), activation runs the
 * first sync, the synced records are counted on the detail page and the dashboard counts the integration.
 */
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { FAKE } from '../server/providers/facebook-ads/fake/fake-graph';
import { GA_NO_ACCESS_PROPERTY_ID, GA_PROPERTY_ID } from './support/constants';
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

const SUB = 'Bright Smiles Marketing';

describe('Facebook Ads and Google Analytics setups', () => {
  let c: Console;
  beforeAll(async () => {
    c = await openConsole();
    await createSubaccount(c.page, SUB);
    await c.page.reload();
    await chooseScope(c.page, SUB);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('Facebook Ads: expired token → fix → ad account reached → activate → campaigns synced → dashboard', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-facebook-ads'));
    const NAME = 'Bright Smiles – Facebook Ads';

    await startSetup(page, 'Facebook Advertising');
    await nameField(page).fill(NAME);
    await page.getByLabel(/^Access Token/).fill(FAKE.expiredToken);
    await page.getByLabel(/^Ad Account ID/).fill(`act_${FAKE.adAccountId}`);
    await nextToTest(page);
    let panel = await testAnswer(page);
    await expect.poll(() => panel.textContent()).toContain('The connection test failed');
    expect(await panel.textContent()).toMatch(/What to fix:.*credentials were refused/);
    await shot(page, 'flow-fb-1-expired-token');

    await page.getByRole('button', { name: 'Back to configuration' }).click();
    expect(await page.getByLabel(/^Ad Account ID/).inputValue()).toBe(`act_${FAKE.adAccountId}`);
    await page.getByLabel(/^Access Token/).fill(FAKE.validToken);
    await nextToTest(page);
    panel = await testAnswer(page);
    await expect.poll(() => panel.textContent()).toContain('Connection works');
    expect(await panel.textContent()).toContain('Acme Ads');
    await shot(page, 'flow-fb-2-test-ok');

    await activateAndOpen(page, NAME);
    await page.getByText('First sync finished').waitFor({ timeout: 90_000 });
    await page.getByRole('link', { name: 'Open integration' }).click();
    await page.getByRole('tab', { name: 'Synced data' }).click();
    // The fake ad account has 12 campaigns.
    await expect.poll(() => recordCount(page, 'Campaign'), { timeout: 30_000 }).toBe('12');
    await shot(page, 'flow-fb-3-synced-campaigns');

    await goTo(page, 'Dashboard');
    await expect.poll(() => statValue(page, 'Active')).toBe('1');
    await goTo(page, 'Catalog');
    await expect.poll(() => card(page, 'Facebook Advertising').locator('[aria-label="Status"]').textContent()).toContain('Active');
    expect(realProblems(c.problems)).toEqual([]);
  });

  it('Google Analytics: property not shared → fix → property reached → activate → daily metrics synced → dashboard', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-google-analytics'));
    const NAME = 'Bright Smiles – Analytics';

    await startSetup(page, 'Google Analytics');
    await nameField(page).fill(NAME);
    // A long JSON key file goes into a masked multi-line box.
    await page.getByLabel(/^Service Account Key/).fill(inject('gaKeyFile'));
    await page.getByLabel(/^Property ID/).fill(GA_NO_ACCESS_PROPERTY_ID);
    await nextToTest(page);
    let panel = await testAnswer(page);
    await expect.poll(() => panel.textContent()).toContain('The connection test failed');
    expect(await panel.textContent()).toMatch(/What to fix:.*(cannot see this account|granted access|not found)/);
    await shot(page, 'flow-ga-1-no-access');

    await page.getByRole('button', { name: 'Back to configuration' }).click();
    await page.getByLabel(/^Property ID/).fill(GA_PROPERTY_ID);
    await nextToTest(page);
    panel = await testAnswer(page);
    await expect.poll(() => panel.textContent()).toContain('Connection works');
    expect(await panel.textContent()).toContain(GA_PROPERTY_ID);
    await shot(page, 'flow-ga-2-test-ok');

    await activateAndOpen(page, NAME);
    await page.getByText('First sync finished').waitFor({ timeout: 90_000 });
    await page.getByRole('link', { name: 'Open integration' }).click();
    await page.getByRole('tab', { name: 'Synced data' }).click();
    // The first sync reads the last 30 days and today.
    await expect.poll(async () => Number((await recordCount(page, 'Daily metrics')).replace(/\D/g, '')), { timeout: 30_000 }).toBeGreaterThanOrEqual(30);
    await shot(page, 'flow-ga-3-synced-days');

    // The dashboard of this subaccount now counts both integrations as active.
    await goTo(page, 'Dashboard');
    await expect.poll(() => statValue(page, 'Total')).toBe('2');
    await expect.poll(() => statValue(page, 'Active')).toBe('2');
    await shot(page, 'flow-ga-4-dashboard');
    expect(realProblems(c.problems)).toEqual([]);
  });
});
