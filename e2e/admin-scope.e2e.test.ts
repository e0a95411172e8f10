/**
 * An admin limited to one subaccount, on a remote team server: signs in through the sign-in screen and
 * sees only that subaccount, its integrations and no Templates; another subaccount's integration, even
 * opened by its address, is "not visible to you".
 */
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN } from '../server/providers/gohighlevel/fake';
import { goTo, mainNav, openConsole, realProblems, shot, type Console } from './support/console';
import { addRemoteProfileAndSwitch, RemoteApi, signIn, switchToLocal } from './support/remote';

const ADMIN = { name: 'Harbor Ops', email: 'harbor-ops@agency.test', password: 'harbor-ops-password-1' };

describe('an admin limited to one subaccount', () => {
  let c: Console;
  const api = new RemoteApi();
  let mine: number;
  let theirs: number;
  beforeAll(async () => {
    const harbor = await api.subaccount('Harbor Dental');
    const hillside = await api.subaccount('Hillside Ortho');
    await api.call('POST', '/admins', { ...ADMIN, role: 'admin', subAccountIds: [harbor] });
    const ghl = await api.templateId('GoHighLevel');
    const config = { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID };
    mine = (await api.call<{ id: number }>('POST', '/integrations', { subAccountId: harbor, integrationTemplateId: ghl, name: 'Harbor – GoHighLevel', config })).id;
    theirs = (await api.call<{ id: number }>('POST', '/integrations', { subAccountId: hillside, integrationTemplateId: ghl, name: 'Hillside – GoHighLevel', config })).id;
    c = await openConsole();
  });
  afterAll(async () => {
    if (c) await switchToLocal(c.page).catch(() => {});
    await c?.close();
  });

  it('signs in and sees only its own subaccount', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-admin-scope'));
    await addRemoteProfileAndSwitch(page, 'Agency server', inject('remoteUrl'));
    await shot(page, 'screen-signin-light');

    // A wrong password is refused with a clear message.
    await signIn(page, ADMIN.email, 'not-the-password');
    await page.getByText('The e-mail or password is not right.').waitFor();
    await signIn(page, ADMIN.email, ADMIN.password);
    await mainNav(page).waitFor();

    // No Templates for an admin; only Harbor Dental in the switcher (chosen by itself).
    expect(await mainNav(page).getByRole('link').allTextContents()).not.toContain('Templates');
    await page.locator('.topbar').getByRole('button', { name: 'Subaccount: Harbor Dental', exact: true }).waitFor();
    await page.locator('.topbar').getByRole('button', { name: /^Subaccount:/ }).click();
    const options = await page.getByRole('listbox', { name: 'Subaccount' }).getByRole('option').allTextContents();
    expect(options.join('|')).toContain('Harbor Dental');
    expect(options.join('|')).not.toContain('Hillside Ortho');
    expect(options.join('|')).not.toContain('Default SubAccount');
    await page.keyboard.press('Escape');

    // The profile menu says who and what role.
    await page.locator('.topbar button[aria-haspopup="menu"]').click();
    expect(await page.getByRole('menu', { name: 'Profile' }).textContent()).toMatch(/harbor-ops@agency\.test.*Admin · Agency server/);
    await page.keyboard.press('Escape');

    await goTo(page, 'Integrations');
    const grid = page.getByRole('grid', { name: 'Integrations' });
    await grid.getByRole('link', { name: 'Harbor – GoHighLevel' }).waitFor();
    expect(await grid.getByRole('link', { name: 'Hillside – GoHighLevel' }).count()).toBe(0);
    await shot(page, 'flow-admin-integrations');

    // Another subaccount's integration by its address: not visible.
    await page.goto(`${c.url}#/integrations/${theirs}`);
    await page.getByText('This integration does not exist or is not visible to you').waitFor();
    await shot(page, 'flow-admin-not-visible');
    // Templates by address: not available.
    await page.goto(`${c.url}#/templates`);
    await page.getByText('Only super admins manage templates.').waitFor();
    // Its own integration opens.
    await page.goto(`${c.url}#/integrations/${mine}`);
    await page.getByRole('tablist', { name: 'Integration sections' }).waitFor();
    expect(await page.locator('main h1').textContent()).toContain('Harbor – GoHighLevel');
    expect(realProblems(c.problems).filter((p) => !/not_found|forbidden|404|403/.test(p))).toEqual([]);
  });
});
