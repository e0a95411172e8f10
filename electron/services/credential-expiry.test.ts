import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Integration } from '../../shared/api/integrations';
import { CredentialExpiryNotifier } from './credential-expiry';
import { JsonFileStore } from './kv-store';
import { SettingsStore } from './settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function settingsFile() {
  const dir = mkdtempSync(join(tmpdir(), 'cred-expiry-'));
  dirs.push(dir);
  return join(dir, 'settings.json');
}

const integration = (id: number, expiresAt: string | null, valid = true) =>
  ({
    id, name: `FB ${id}`, subAccountName: 'Acme', template: { name: 'FacebookAds', displayName: 'Facebook Advertising', category: 'Advertising' },
    credentialHealth: { kind: 'expiring_token', expiresAt, dataAccessExpiresAt: null, lastVerifiedAt: null, valid, scopes: null, missingScopes: [] },
  }) as unknown as Integration;

describe('CredentialExpiryNotifier', () => {
  it('notifies once per integration when its credential enters the last 14 days, across restarts', () => {
    const file = settingsFile();
    let now = new Date('2026-12-01T00:00:00Z');
    const shown: { title: string; body: string }[] = [];
    const make = () => new CredentialExpiryNotifier(new SettingsStore(new JsonFileStore(file)), (n) => shown.push(n), () => now);
    const notifier = make();
    const list = [integration(1, '2026-12-20T00:00:00.000Z'), integration(2, null), integration(3, '2026-12-10T00:00:00.000Z', false)];

    notifier.observe('local', list);
    expect(shown).toEqual([]); // 19 days left: not yet; never-expiring and already-rejected ones: never

    now = new Date('2026-12-08T00:00:00Z');
    notifier.observe('local', list);
    notifier.observe('local', list);
    expect(shown).toEqual([{ title: 'Credential expiring', body: "FB 1 (Facebook Advertising, Acme): its token expires in 12 days. Paste a new one in the integration's settings." }]);

    // Restarted console: still once.
    make().observe('local', list);
    expect(shown).toHaveLength(1);

    // A new token with a new expiry warns again when it enters the window; another profile's integration 1 is its own.
    make().observe('local', [integration(1, '2026-12-21T00:00:00.000Z')]);
    make().observe('team', [integration(1, '2026-12-20T00:00:00.000Z')]);
    expect(shown).toHaveLength(3);
  });

  it('does nothing without a notification mechanism', () => {
    const notifier = new CredentialExpiryNotifier(new SettingsStore(new JsonFileStore(settingsFile())), undefined);
    expect(() => notifier.observe('local', [integration(1, new Date().toISOString())])).not.toThrow();
  });
});
