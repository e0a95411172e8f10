/**
 * Offline drafting, then submit: on a remote profile whose server becomes unreachable (a TCP relay that is
 * cut), the console says it is offline, the setup wizard's steps 1–2 still work and keep a draft, step 3
 * says why it waits; once the server is back the Drafts page submits the draft and the integration exists.
 */
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { TcpGate } from '../electron/services/test-fixtures/tcp-gate';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN } from '../server/providers/gohighlevel/fake';
import { REMOTE_ADMIN } from './support/constants';
import { chooseScope, goTo, leaveField, nameField, openConsole, realProblems, shot, startSetup, type Console } from './support/console';
import { addRemoteProfileAndSwitch, RemoteApi, signIn, switchToLocal } from './support/remote';

const SUB = 'Seaside Family Dental';
const NAME = 'Seaside – drafted offline';

describe('offline drafting, then submit', () => {
  let c: Console;
  let gate: TcpGate;
  const api = new RemoteApi();
  beforeAll(async () => {
    await api.subaccount(SUB);
    const remote = new URL(inject('remoteUrl'));
    gate = await new TcpGate({ host: remote.hostname, port: Number(remote.port) }).open();
    c = await openConsole();
  });
  afterAll(async () => {
    await gate?.restore();
    if (c) await switchToLocal(c.page).catch(() => {});
    await c?.close();
    await gate?.cut();
  });

  it('keeps a draft while the server is unreachable and submits it when it is back', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-offline-drafts'));
    await addRemoteProfileAndSwitch(page, 'Agency (flaky network)', gate.url);
    await signIn(page, REMOTE_ADMIN.email, REMOTE_ADMIN.password);
    await chooseScope(page, SUB);
    // Online: the catalog (and so the templates) are seen once.
    await goTo(page, 'Catalog');
    await page.getByRole('heading', { name: 'GoHighLevel CRM' }).waitFor();
    const conn = page.getByTestId('connectivity');
    expect(await conn.textContent()).toContain('Online');

    // The network goes away; the next request (the dashboard's, not seen yet) tells the console.
    await gate.cut();
    await goTo(page, 'Dashboard');
    await conn.filter({ hasText: 'Offline' }).waitFor({ timeout: 30_000 });
    await shot(page, 'flow-offline-dashboard');

    // Steps 1–2 work offline and the draft is kept.
    await startSetup(page, 'GoHighLevel CRM');
    // The subaccount comes from the top bar's choice.
    await page.locator('.config-identity').getByRole('button', { name: `Subaccount: ${SUB}`, exact: true }).waitFor();
    await nameField(page).fill(NAME);
    await page.getByLabel(/^API Key/).fill(FAKE_VALID_TOKEN);
    await page.getByLabel(/^Location ID/).fill(FAKE_LOCATION_ID);
    await page.getByRole('status').filter({ hasText: /Draft saved/ }).waitFor({ timeout: 20_000 });
    await leaveField(page);
    await page.getByRole('button', { name: 'Next: test the connection' }).click();
    await page.getByText('Waiting for a connection').waitFor();
    expect(await page.getByRole('button', { name: 'Next: confirm' }).isDisabled()).toBe(true);
    await shot(page, 'flow-offline-wizard-step3');

    // Drafts: listed, valid, but not submittable while offline.
    await goTo(page, 'Drafts');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: NAME }) });
    await row.waitFor();
    expect(await row.textContent()).toContain(SUB);
    expect(await row.textContent()).toContain('valid');
    expect(await row.getByRole('button', { name: 'Submit' }).isDisabled()).toBe(true);
    await page.getByText('Drafts can be edited, not submitted, until the server is reachable again.').waitFor();
    await shot(page, 'flow-offline-drafts');

    // The server is reachable again: the console notices by itself (background probe).
    await gate.restore();
    await conn.filter({ hasText: 'Online' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => row.getByRole('button', { name: 'Submit' }).isDisabled()).toBe(false);
    await row.getByRole('button', { name: 'Submit' }).click();
    // Submitted: the draft is gone and the integration exists (Pending: not tested yet).
    await expect.poll(() => page.getByRole('link', { name: NAME }).count(), { timeout: 30_000 }).toBe(0);
    await goTo(page, 'Integrations');
    const grid = page.getByRole('grid', { name: 'Integrations' });
    const intRow = grid.getByRole('row').filter({ has: page.getByRole('link', { name: NAME }) });
    await intRow.waitFor();
    expect(await intRow.textContent()).toContain('Pending');
    await shot(page, 'flow-offline-submitted');
    expect(realProblems(c.problems)).toEqual([]);
  });
});
