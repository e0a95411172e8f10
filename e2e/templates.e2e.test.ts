/**
 * A super_admin creates a template in the JSON Schema editor (validated as you type, with a live preview
 * of the generated form), finds it in the catalog and sets an integration up from it. The server has no
 * provider handler for a custom template, so the connection test cannot run: the integration is saved
 * and stays Pending.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { card, chooseScope, createSubaccount, goTo, nameField, nextToTest, openConsole, realProblems, shot, type Console } from './support/console';

const SUB = 'Lakeside Vets';

describe('a super_admin creates a template and sets it up', () => {
  let c: Console;
  beforeAll(async () => {
    c = await openConsole();
    await createSubaccount(c.page, SUB);
    await c.page.reload();
  });
  afterAll(async () => {
    await c?.close();
  });

  it('creates "Acme CRM" with a live-validated schema, then sets it up from the catalog', async () => {
    const { page } = c;
    onTestFailed(() => shot(page, 'FAILED-templates'));
    await chooseScope(page, SUB);
    await goTo(page, 'Templates');
    await page.getByRole('link', { name: 'New template' }).click();
    await page.locator('main h1', { hasText: 'New template' }).waitFor();

    await page.getByLabel('Name (identifier)').fill('AcmeCrm');
    await page.getByLabel('Display name').fill('Acme CRM');
    await page.getByLabel('Category').fill('CRM');
    await page.getByLabel('Description').fill('Sync leads from Acme CRM.');

    // The schema editor validates as you type.
    const schema = page.getByLabel('Config schema');
    const status = page.locator('#t-schema-status');
    await schema.fill('{ "type": "object", "properties": ');
    await status.locator('.field-error').first().waitFor();
    expect(await schema.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Create template' }).isDisabled()).toBe(true);
    await shot(page, 'flow-template-invalid-schema');
    await schema.fill(
      JSON.stringify(
        {
          type: 'object',
          properties: {
            apiKey: { type: 'string', title: 'API Key', minLength: 8, writeOnly: true },
            accountId: { type: 'string', title: 'Account ID', pattern: '^[A-Za-z0-9]+$' },
          },
          required: ['apiKey', 'accountId'],
          additionalProperties: false,
        },
        null,
        2,
      ),
    );
    await status.getByText(/Valid schema/).waitFor();
    // The live preview shows the generated form, the secret as a password field.
    const preview = page.locator('.preview-box').first();
    await preview.getByLabel(/^Account ID/).waitFor();
    expect(await preview.getByLabel(/^API Key/).getAttribute('type')).toBe('password');
    await shot(page, 'flow-template-editor-valid');
    await page.getByRole('button', { name: 'Create template' }).click();

    // Listed, active, unused.
    await page.locator('main h1', { hasText: 'Templates' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Acme CRM' }) });
    await row.waitFor();
    expect(await row.getByRole('switch', { name: 'Active: Acme CRM' }).getAttribute('aria-checked')).toBe('true');

    // In the catalog, and set up from it.
    await goTo(page, 'Catalog');
    const acme = card(page, 'Acme CRM');
    await acme.waitFor();
    expect(await acme.textContent()).toContain('Sync leads from Acme CRM.');
    await acme.getByRole('button', { name: 'Setup Integration' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await nameField(page).fill('Lakeside – Acme CRM');
    // Client-side validation from the new schema, at the field.
    await page.getByLabel(/^API Key/).fill('short');
    await page.getByLabel(/^Account ID/).fill('not valid!');
    await page.getByRole('button', { name: 'Next: test the connection' }).click();
    await page.getByText(/at least 8 characters/).waitFor();
    await page.getByText(/has an unexpected format/).waitFor();
    await shot(page, 'flow-template-setup-errors');
    await page.getByLabel(/^API Key/).fill('acme-secret-key-123');
    await page.getByLabel(/^Account ID/).fill('Acct42');
    await nextToTest(page);
    // No handler for a custom template: the test says so, and the setup can still be saved (Pending).
    const panel = page.locator('.test-panel');
    await panel.getByText(/No connection handler is installed/).waitFor({ timeout: 30_000 });
    await shot(page, 'flow-template-setup-test');
    expect(await page.getByRole('button', { name: 'Next: confirm' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Continue anyway' }).click();
    await page.getByRole('heading', { name: 'Confirm and activate' }).waitFor();
    // Not verified: it will stay Pending, and activation is not offered by default.
    await page.getByText('Not verified — it will stay Pending').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Lakeside – Acme CRM is saved').waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Open integration' }).click();
    await page.getByRole('tablist', { name: 'Integration sections' }).waitFor();
    expect(await page.locator('main h1').textContent()).toMatch(/Lakeside – Acme CRM.*Pending/);
    await page.getByRole('tab', { name: 'Configuration' }).click();
    // The secret is masked, the plain value shown.
    const cfg = await page.getByRole('tabpanel').textContent();
    expect(cfg).toContain('Acct42');
    expect(cfg).not.toContain('acme-secret-key-123');
    await shot(page, 'flow-template-integration');
    expect(realProblems(c.problems)).toEqual([]);
  });
});
