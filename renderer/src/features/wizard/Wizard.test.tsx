import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { SECRET_PLACEHOLDER } from '../../../../shared/secret-fields';
import { createFake, integration, type Fake } from '../../test/fakeLoctelli';
import { renderInApp } from '../../test/render';
import { WizardPage } from './WizardPage';

let fake: Fake;
beforeEach(() => {
  fake = createFake();
  fake.install();
});
afterEach(cleanup);

const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label, { selector: 'input, textarea' }), { target: { value } });

describe('setup wizard', () => {
  it('validates at the field, tests the typed config, autosaves the draft, and keeps values when going back', async () => {
    renderInApp(<WizardPage mode="create" templateId={1} draftId={null} />);
    fireEvent.click(await screen.findByRole('button', { name: /start/i }));
    // Client-side (schema) errors are shown at the fields.
    type(/^API Key/, 'short');
    type(/^Location ID/, 'bad id');
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    expect(await screen.findByText(/at least 10 characters/)).toBeTruthy();
    expect(screen.getByText(/unexpected format/)).toBeTruthy();
    expect(fake.callsOf('integrations.testConfig')).toHaveLength(0);

    type(/^API Key/, 'pit-0123456789abcdef');
    type(/^Location ID/, 'LocAbc12345');
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    expect(await screen.findByText(/Connected to location "Acme HQ"/)).toBeTruthy();
    expect(fake.callsOf('integrations.testConfig')[0]).toEqual([1, { apiKey: 'pit-0123456789abcdef', locationId: 'LocAbc12345' }]);

    // Autosave wrote a draft with what was typed.
    await waitFor(() => expect(fake.callsOf('drafts.save').length).toBeGreaterThan(0));
    const last = fake.callsOf('drafts.save').at(-1)![0] as { config: Record<string, unknown>; kind: string };
    expect(last.kind).toBe('create');
    expect(last.config.locationId).toBe('LocAbc12345');

    fireEvent.click(screen.getByRole('button', { name: /back to configuration/i }));
    expect((screen.getByLabelText(/^Location ID/, { selector: 'input' }) as HTMLInputElement).value).toBe('LocAbc12345');
    expect((screen.getByLabelText(/^API Key/, { selector: 'input' }) as HTMLInputElement).value).toBe('pit-0123456789abcdef');
  });

  it('maps server field errors from the test back onto the form fields', async () => {
    fake.override('integrations.testConfig', async () => {
      throw { code: 'validation', message: 'The config is not valid', fieldErrors: { apiKey: 'Paste only the token, without the "Bearer " prefix.' } };
    });
    renderInApp(<WizardPage mode="create" templateId={1} draftId={null} />);
    fireEvent.click(await screen.findByRole('button', { name: /start/i }));
    type(/^API Key/, 'Bearer pit-0123456789');
    type(/^Location ID/, 'LocAbc12345');
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    expect(await screen.findByText(/without the "Bearer " prefix/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Configuration' })).toBeTruthy();
  });

  it('shows a failed test with what to fix', async () => {
    fake.override('integrations.testConfig', async () => ({ ok: false, message: 'GoHighLevel refused the API key (401 Invalid JWT)', details: { httpStatus: 401, error: { type: 'auth' } }, latencyMs: 5, checkedAt: new Date().toISOString() }));
    renderInApp(<WizardPage mode="create" templateId={1} draftId={null} />);
    fireEvent.click(await screen.findByRole('button', { name: /start/i }));
    type(/^API Key/, 'pit-wrong-key-000');
    type(/^Location ID/, 'LocAbc12345');
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    expect(await screen.findByText(/401 Invalid JWT/)).toBeTruthy();
    expect(screen.getByText(/credentials were refused/)).toBeTruthy();
    expect((screen.getByRole('button', { name: /next: confirm/i }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('edit mode: a stored secret starts empty, says it is kept, and is sent as the placeholder', async () => {
    renderInApp(<WizardPage mode="edit" integrationId={7} draftId={null} />);
    expect(await screen.findByText(/A value is stored/)).toBeTruthy();
    const key = screen.getByLabelText(/^API Key/, { selector: 'input' }) as HTMLInputElement;
    expect(key.value).toBe('');
    expect(key.placeholder).toMatch(/leave empty to keep/);
    type(/^Location ID/, 'LocNew12345');
    await waitFor(() => expect(fake.callsOf('drafts.save').length).toBeGreaterThan(0));
    const saved = fake.callsOf('drafts.save').at(-1)![0] as { kind: string; baseVersion: number; config: Record<string, unknown> };
    expect(saved).toMatchObject({ kind: 'edit', baseVersion: 3, config: { apiKey: SECRET_PLACEHOLDER, locationId: 'LocNew12345' } });
    // The stored secret cannot be tested before saving: the wizard says so instead of sending the placeholder.
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    expect(await screen.findByText(/Tested after saving/)).toBeTruthy();
    expect(fake.callsOf('integrations.testConfig')).toHaveLength(0);
  });

  it('edit conflict: shows the fields side by side and saves the merge on top of the current version', async () => {
    let submits = 0;
    fake.override('drafts.submit', async () => {
      if (submits++ === 0) throw { code: 'conflict', message: 'Changed elsewhere', current: integration({ version: 4, name: 'Acme GHL (renamed)', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'LocTheirs999' } }) };
      return integration({ version: 5 });
    });
    renderInApp(<WizardPage mode="edit" integrationId={7} draftId={null} />);
    await screen.findByText(/A value is stored/);
    type(/^Location ID/, 'LocMine12345');
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    fireEvent.click(await screen.findByRole('button', { name: /next: confirm/i }));
    fireEvent.click(screen.getByRole('checkbox', { name: /activate now/i }));
    fireEvent.click(screen.getByRole('button', { name: /^save$/i }));
    expect(await screen.findByText(/Someone else saved this integration/)).toBeTruthy();
    expect(screen.getByText('LocTheirs999')).toBeTruthy();
    expect(screen.getByText('LocMine12345')).toBeTruthy();
    // Name changed only on their side → theirs is preselected; location changed on both → mine until chosen.
    fireEvent.click(screen.getByRole('button', { name: /save the merged version/i }));
    await waitFor(() => expect(submits).toBe(2));
    const rebased = fake.callsOf('drafts.save').at(-1)![0] as { baseVersion: number; name: string; config: Record<string, unknown> };
    expect(rebased).toMatchObject({ baseVersion: 4, name: 'Acme GHL (renamed)', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'LocMine12345' } });
  });

  it('offline: configuration works, the test step explains why it waits', async () => {
    const { session } = await import('../../test/fakeLoctelli');
    renderInApp(<WizardPage mode="create" templateId={1} draftId={null} />, { ...session, connectivity: { online: false, since: null, reason: 'unreachable' } });
    fireEvent.click(await screen.findByRole('button', { name: /start/i }));
    type(/^API Key/, 'pit-0123456789abcdef');
    type(/^Location ID/, 'LocAbc12345');
    fireEvent.click(screen.getByRole('button', { name: /next: test/i }));
    expect(await screen.findByText(/Waiting for a connection/)).toBeTruthy();
    expect(fake.callsOf('integrations.testConfig')).toHaveLength(0);
    await waitFor(() => expect(fake.callsOf('drafts.save').length).toBeGreaterThan(0));
  });
});
