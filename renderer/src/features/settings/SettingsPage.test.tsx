import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { AddProfileInput } from '../../../../shared/ipc/schemas';
import { createFake, type Fake } from '../../test/fakeLoctelli';
import { renderInApp } from '../../test/render';
import { SettingsPage } from './SettingsPage';

let fake: Fake;
beforeEach(() => {
  fake = createFake();
  fake.install();
  fake.override('profiles.add', async (input: AddProfileInput) => ({
    id: 'p1',
    name: input.name,
    kind: 'remote',
    baseUrl: input.baseUrl,
    signedInAs: null,
  }));
});
afterEach(cleanup);

const addProfile = (name: string, url: string) => {
  fireEvent.change(screen.getByLabelText('Name'), { target: { value: name } });
  fireEvent.change(screen.getByLabelText('Server URL'), { target: { value: url } });
  fireEvent.click(screen.getByRole('button', { name: /Add profile/ }));
};

describe('settings: adding a remote server', () => {
  it('refuses plain http to another machine with a clear message, without sending anything to main', async () => {
    renderInApp(<SettingsPage />);
    addProfile('Team', 'http://integrations.example.com');
    expect(
      await screen.findByText(/would send your password and session tokens unencrypted: use https:\/\//),
    ).toBeTruthy();
    expect(screen.getByText('must be https:// (http:// only to this machine)')).toBeTruthy();
    expect(screen.getByLabelText('Server URL').getAttribute('aria-invalid')).toBe('true');
    expect(fake.callsOf('profiles.add')).toEqual([]);
  });

  it('adds https servers and http ones on this machine', async () => {
    renderInApp(<SettingsPage />);
    addProfile('Team', 'https://integrations.example.com');
    await waitFor(() => expect(fake.callsOf('profiles.add')).toHaveLength(1));
    addProfile('Dev', 'http://127.0.0.1:3000');
    await waitFor(() => expect(fake.callsOf('profiles.add')).toHaveLength(2));
    expect(fake.callsOf('profiles.add').map(([i]) => (i as AddProfileInput).baseUrl)).toEqual([
      'https://integrations.example.com',
      'http://127.0.0.1:3000',
    ]);
  });

  it("shows main's refusal of the address under the field", async () => {
    fake.override('profiles.add', async () => {
      throw {
        code: 'validation',
        message: 'The server address must not contain a user name or password',
        inputErrors: { baseUrl: 'must not contain credentials' },
      };
    });
    renderInApp(<SettingsPage />);
    addProfile('Team', 'https://u:p@integrations.example.com');
    expect(await screen.findByText('must not contain credentials')).toBeTruthy();
  });
});
