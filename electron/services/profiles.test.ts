/**
 * Remote profiles: an address is refused when plain http would carry the password and refresh tokens
 * over a network, both when a profile is added and when a stored one (added before, or edited on disk)
 * is used.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeHost } from '../node-host';
import { JsonFileStore } from './kv-store';
import { normaliseBaseUrl } from './profiles';
import { vaultNames } from './vault';

const trusted = { trusted: true };

describe('remote profile addresses', () => {
  it('profiles.add refuses http:// to another machine, and accepts https:// or loopback http://', async () => {
    const host = createNodeHost({ userDataDir: mkdtempSync(join(tmpdir(), 'loctelli-profiles-')) });
    for (const url of ['http://integrations.example.com', 'http://192.168.1.20:3000/api']) {
      const r = await host.dispatch('profiles.add', [{ name: 'Team', baseUrl: url }], trusted);
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'validation',
          message: expect.stringMatching(/unencrypted: use https:\/\//),
          inputErrors: { baseUrl: expect.stringMatching(/https/) },
        },
      });
    }
    for (const url of [
      'https://integrations.example.com/api/',
      'http://127.0.0.1:3000',
      'http://localhost:3000',
      'http://[::1]:3000',
    ]) {
      expect(await host.dispatch('profiles.add', [{ name: 'ok', baseUrl: url }], trusted), url).toMatchObject({
        ok: true,
      });
    }
    expect(normaliseBaseUrl('https://integrations.example.com/api/')).toBe('https://integrations.example.com');
    expect((await host.dispatch('profiles.list', [], trusted)) as { value: { profiles: unknown[] } }).toMatchObject({
      value: { profiles: { length: 5 } },
    });
    await host.core.stop();
  });

  it('a stored profile with an http:// address to another machine is never used: no sign-in, no refresh, no request', async () => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'loctelli-profiles-'));
    // As an older console (or a hand edit) left it.
    const stored = new JsonFileStore(join(userDataDir, 'profiles.json'));
    stored.set('profiles', [
      { id: 'local', name: 'Local workspace', kind: 'local', baseUrl: null, admin: null },
      { id: 'pold', name: 'Old team', kind: 'remote', baseUrl: 'http://10.255.255.1:3000', admin: null },
    ]);
    stored.set('activeId', 'pold');
    // Removing the active profile starts the Local workspace: not needed here.
    const host = createNodeHost({
      userDataDir,
      startServer: async () => Promise.reject(new Error('not in this test')),
    });
    host.core.vault.set(vaultNames.refreshToken('pold'), 'a-stored-refresh-token');

    const session = await host.dispatch('auth.getSession', [], trusted);
    expect(session).toMatchObject({
      ok: true,
      value: { state: 'signed_out', error: expect.stringMatching(/unencrypted.*Remove this profile and add it again/) },
    });
    const signIn = await host.dispatch('auth.signIn', [{ email: 'a@b.test', password: 'a-password-1234' }], trusted);
    expect(signIn).toMatchObject({
      ok: false,
      error: { code: 'not_allowed', message: expect.stringMatching(/http:\/\/ to 10\.255\.255\.1/) },
    });
    const list = await host.dispatch('subaccounts.list', [], trusted);
    expect(list).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    // Refused before the network: no request was counted, and the refresh token is still there (not spent).
    expect(host.core.runtime('pold').client.stats.requests).toBe(0);
    expect(host.core.vault.get(vaultNames.refreshToken('pold'))).toBe('a-stored-refresh-token');
    // It can still be removed.
    expect(await host.dispatch('profiles.remove', ['pold'], trusted)).toMatchObject({
      ok: true,
      value: { activeId: 'local' },
    });
    await host.core.stop();
  });
});
