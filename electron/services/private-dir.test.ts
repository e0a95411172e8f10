/**
 * The console's user-data folder and everything it writes there are private to the user: folders 0700,
 * files 0600, whatever the umask, and tightened at start when an older console (or a copy) left them open.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '../../shared/templates';
import type { IntegrationTemplate } from '../../shared/api/templates';
import { createNodeHost } from '../node-host';

const trusted = { trusted: true };
const noServer = async () => Promise.reject(new Error('not in this test'));
const modeOf = (path: string) => `0${(statSync(path).mode & 0o777).toString(8)}`;

/** Every folder and file under `root` with its mode, e.g. `profiles/local/drafts → 0700`. */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = { '.': modeOf(root) };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      out[relative(root, p)] = modeOf(p);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

const ghl = BUILT_IN_TEMPLATES.find((t) => t.name === 'GoHighLevel')!;
const template = {
  id: 1,
  ...ghl,
  isActive: true,
  webhookUrl: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdByAdminId: 1,
} as unknown as IntegrationTemplate;

describe('the user-data folder', () => {
  let umask: number;
  beforeEach(() => {
    // The most permissive umask: what the console asks for is what it gets.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('is created 0700 with everything the console writes (settings, profiles, vault, cache, drafts) 0600, and so is the Local workspace folder', async () => {
    const userDataDir = join(mkdtempSync(join(tmpdir(), 'loctelli-private-')), 'a', 'user-data');
    const host = createNodeHost({ userDataDir, startServer: noServer });
    await host.dispatch('settings.set', [{ theme: 'dark' }], trusted);
    await host.dispatch('profiles.add', [{ name: 'Team', baseUrl: 'https://integrations.example.com' }], trusted);
    host.core.vault.set('refresh:x', 'a-refresh-token');
    const rt = host.core.runtime('local');
    await rt.cache.putItems('templates', [template]);
    await rt.cache.put('subaccounts', [{ id: 1, name: 'Acme' }]);
    await rt.drafts.save({
      kind: 'create',
      subAccountId: 1,
      integrationTemplateId: 1,
      name: 'Draft',
      description: null,
      config: { apiKey: 'a-typed-secret-key', locationId: 'loc12345' },
    });
    await host.core.embedded.start().catch(() => {});
    await host.core.stop();

    const all = modes(userDataDir);
    for (const name of ['settings.json', 'profiles.json', 'vault.json', 'vault.key'])
      expect(all[name], name).toBe('0600');
    for (const dir of [
      '.',
      'profiles',
      'profiles/local',
      'profiles/local/cache',
      'profiles/local/drafts',
      'local-workspace',
    ])
      expect(all[dir], dir).toBe('0700');
    expect(Object.keys(all).filter((p) => p.startsWith('profiles/local/drafts/')).length).toBeGreaterThan(0);
    expect(Object.keys(all).filter((p) => p.startsWith('profiles/local/cache/')).length).toBeGreaterThan(1);
    const loose = Object.entries(all).filter(([, m]) => m !== '0600' && m !== '0700');
    expect(loose).toEqual([]);
  });

  it('is tightened at start when an older console or a copy left it open', async () => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'loctelli-private-'));
    mkdirSync(join(userDataDir, 'profiles', 'p1', 'cache'), { recursive: true, mode: 0o777 });
    mkdirSync(join(userDataDir, 'local-workspace'), { mode: 0o755 });
    for (const f of ['settings.json', 'profiles.json', 'vault.json'])
      writeFileSync(join(userDataDir, f), '{}', { mode: 0o666 });
    writeFileSync(join(userDataDir, 'profiles', 'p1', 'cache', 'subaccounts.json'), '{}', { mode: 0o644 });
    chmodSync(userDataDir, 0o777);

    const host = createNodeHost({ userDataDir, startServer: noServer });
    await host.core.embedded.start().catch(() => {});
    await host.core.stop();
    expect(modes(userDataDir)).toEqual({
      '.': '0700',
      'settings.json': '0600',
      'profiles.json': '0600',
      'vault.json': '0600',
      'vault.key': '0600',
      profiles: '0700',
      'profiles/p1': '0700',
      'profiles/p1/cache': '0700',
      'profiles/p1/cache/subaccounts.json': '0600',
      'local-workspace': '0700',
    });
  });

  // Someone else's folder open to all (as /tmp is): the console cannot fix it and must not use it.
  it.skipIf(process.platform === 'win32' || process.getuid?.() !== 0)(
    'refuses, saying why, a folder other users can write that it cannot make private',
    () => {
      const shared = mkdtempSync(join(tmpdir(), 'loctelli-shared-'));
      chmodSync(shared, 0o777); // root's, writable by everyone
      const script = join(mkdtempSync(join(tmpdir(), 'loctelli-script-')), 'open.mts');
      writeFileSync(
        script,
        `import { createNodeHost } from ${JSON.stringify(fileURLToPath(new URL('../node-host.ts', import.meta.url)))};\ncreateNodeHost({ userDataDir: ${JSON.stringify(shared)} });\n`,
        { mode: 0o644 },
      );
      chmodSync(join(script, '..'), 0o755);
      // As an unprivileged user (nobody), who does not own the folder.
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        env: { ...process.env, HOME: tmpdir() },
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(
        `${shared} is writable by other users (mode 0777) and could not be made private (EPERM). Run: chmod 700 "${shared}"`,
      );
      expect(modeOf(shared)).toBe('0777');
      expect(readdirSync(shared)).toEqual([]); // not even the vault's key was written
    },
  );
});
