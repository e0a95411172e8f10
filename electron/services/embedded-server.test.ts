/**
 * The Local workspace: the real server/ started in-process on PGlite under a user-data folder, through
 * the console core (as `npm start` and `npm run dev:browser` do).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/ipc/contract';
import { createNodeHost, type NodeHost } from '../node-host';
import { LOCAL_ADMIN_EMAIL } from './embedded-server';
import { vaultNames } from './vault';

const userDataDir = mkdtempSync(join(tmpdir(), 'loctelli-local-'));

function open(opts: { credentialBackend?: string } = {}) {
  const host = createNodeHost({ userDataDir, credentialBackend: opts.credentialBackend, dispatcher: { validateResults: true, onInternalError: (m, e) => console.error(m, e) } });
  const events: Array<{ event: EventName; payload: any }> = [];
  const results: string[] = [];
  host.core.onEvent((event, payload) => events.push({ event, payload }));
  const call = async (method: string, ...args: unknown[]): Promise<any> => {
    const r = await host.dispatch(method, args, { trusted: true });
    results.push(JSON.stringify(r));
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value;
  };
  return { host, events, results, call };
}

async function signedIn(h: ReturnType<typeof open>) {
  h.host.core.start();
  const first = await h.call('auth.getSession');
  expect(['starting', 'signed_in']).toContain(first.state);
  await h.host.core.embedded.start();
  const end = Date.now() + 30_000;
  while (!h.events.some((e) => e.event === 'session.changed' && e.payload.state === 'signed_in')) {
    if (Date.now() > end) throw new Error('no session.changed');
    await new Promise((r) => setTimeout(r, 20));
  }
  return h.call('auth.getSession');
}

function leaksPassword(h: NodeHost, results: string[]) {
  const password = h.core.vault.get(vaultNames.embeddedAdminPassword)!;
  expect(password.length).toBeGreaterThan(20);
  return results.some((r) => r.includes(password));
}

describe('embedded server (Local workspace)', () => {
  let integrationId = 0;

  it('starts on a fresh data folder, on loopback, and signs in by itself', async () => {
    const h = open();
    const s = await signedIn(h);
    expect(s).toMatchObject({ profile: { id: 'local', kind: 'local', baseUrl: null }, state: 'signed_in', admin: { email: LOCAL_ADMIN_EMAIL, role: 'super_admin' } });
    const state = h.host.core.embedded.state;
    expect(state.state === 'running' && state.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const subaccounts = await h.call('subaccounts.list');
    expect(subaccounts.data.map((x: { name: string }) => x.name)).toContain('Default SubAccount');
    const templates = await h.call('templates.list');
    expect(templates.data.map((t: { name: string }) => t.name).sort()).toEqual(expect.arrayContaining(['FacebookAds', 'GoHighLevel', 'GoogleAnalytics']));
    const ghl = templates.data.find((t: { name: string }) => t.name === 'GoHighLevel');
    const created = await h.call('integrations.create', { subAccountId: subaccounts.data[0].id, integrationTemplateId: ghl.id, name: 'Local GHL', config: { apiKey: 'pit-local-secret-value', locationId: 'loc12345' } });
    integrationId = created.id;
    expect(JSON.stringify(h.results)).not.toContain('pit-local-secret-value');
    expect(leaksPassword(h.host, h.results)).toBe(false);
    // The password is in the vault, encrypted; the vault file does not hold it in clear.
    expect(readFileSync(join(userDataDir, 'vault.json'), 'utf8')).not.toContain(h.host.core.vault.get(vaultNames.embeddedAdminPassword)!);
    // Signing out of the Local workspace sticks until the user signs in again.
    expect(await h.call('auth.signOut')).toMatchObject({ state: 'signed_out' });
    await expect(h.call('subaccounts.list')).rejects.toMatchObject({ code: 'signed_out' });
    expect(await h.call('auth.signIn')).toMatchObject({ state: 'signed_in' });
    await h.host.core.stop();
    expect(h.host.core.embedded.state.state).toBe('stopped');
  });

  it('starts again on the existing data folder with its data', async () => {
    const h = open();
    await signedIn(h);
    const got = await h.call('integrations.get', integrationId);
    expect(got.data).toMatchObject({ id: integrationId, name: 'Local GHL', secretFieldsSet: ['apiKey'] });
    expect(leaksPassword(h.host, h.results)).toBe(false);
    await h.host.core.stop();
  });

  it('repairs the local admin when its password was changed in the database behind the console', async () => {
    // The vault remembers the hash it wrote, so a normal start skips verifying the password; a hash that is
    // no longer that one must still be verified and, when it does not match, replaced.
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = new PGlite(join(userDataDir, 'local-workspace', 'pglite'));
    const stale = '$scrypt$stale-hash-of-another-password';
    await pg.query('update admin_users set password_hash = $1 where email = $2', [stale, LOCAL_ADMIN_EMAIL]);
    await pg.close();
    const h = open();
    expect((await signedIn(h)).state).toBe('signed_in');
    const remembered = h.host.core.vault.get(vaultNames.embeddedAdminPasswordHash);
    await h.host.core.stop();
    const again = new PGlite(join(userDataDir, 'local-workspace', 'pglite'));
    const { rows } = await again.query<{ password_hash: string }>('select password_hash from admin_users where email = $1', [LOCAL_ADMIN_EMAIL]);
    await again.close();
    expect(rows[0].password_hash).not.toBe(stale);
    expect(remembered).toBe(rows[0].password_hash);
  });

  it('with credentials in memory only (basic_text), a new local password is set and sign-in still works', async () => {
    const h = open({ credentialBackend: 'basic_text' });
    expect((await h.call('settings.get')).credentialStorage).toMatchObject({ backend: 'basic_text', mode: 'memory_only', canAcceptInsecure: true });
    const s = await signedIn(h);
    expect(s.state).toBe('signed_in');
    expect((await h.call('integrations.get', integrationId)).data.name).toBe('Local GHL');
    await h.host.core.stop();
  });
});
