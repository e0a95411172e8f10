/**
 * settings.set: storing credentials without a keyring (basic_text) is asked of the person by main itself
 * (a native dialog in Electron, the terminal in dev:browser); the renderer's call alone never enables it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Confirmation } from '../core';
import { createNodeHost } from '../node-host';
import { vaultNames } from '../services/vault';

const trusted = { trusted: true };
const accept = (v: boolean) => [{ acceptInsecureCredentialStorage: v }];

function basicText(confirm?: (q: Confirmation) => Promise<boolean>) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'loctelli-confirm-'));
  const host = createNodeHost({ userDataDir, credentialBackend: 'basic_text', confirm });
  host.core.vault.set(vaultNames.refreshToken('local'), 'a-refresh-token-kept-in-memory');
  const file = join(userDataDir, 'vault.json');
  const onDisk = () => existsSync(file) && readFileSync(file, 'utf8').includes(vaultNames.refreshToken('local'));
  return { host, onDisk };
}

describe('settings.set acceptInsecureCredentialStorage', () => {
  it("the renderer's call alone does not enable it: without a way to ask the person, it is refused", async () => {
    const { host, onDisk } = basicText();
    const r = await host.dispatch('settings.set', accept(true), trusted);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'not_allowed', message: expect.stringMatching(/not confirmed/) },
    });
    expect(host.core.vault.mode()).toBe('memory_only');
    expect(onDisk()).toBe(false);
    await host.core.stop();
  });

  it("asks main's confirm (default no), enables it only on yes, and turning it off needs no question", async () => {
    const asked: Confirmation[] = [];
    let answer = false;
    const { host, onDisk } = basicText(async (q) => {
      asked.push(q);
      return answer;
    });
    expect(await host.dispatch('settings.set', accept(true), trusted)).toMatchObject({
      ok: false,
      error: { code: 'not_allowed' },
    });
    expect(host.core.vault.mode()).toBe('memory_only');
    expect(asked).toEqual([
      {
        title: 'Store credentials without a keyring?',
        message: expect.any(String),
        detail: expect.stringMatching(/basic_text.*anyone who can read your files/),
        confirmLabel: 'Store them anyway',
      },
    ]);

    answer = true;
    expect(await host.dispatch('settings.set', accept(true), trusted)).toMatchObject({
      ok: true,
      value: { credentialStorage: { mode: 'basic_text_accepted' } },
    });
    expect(onDisk()).toBe(true);
    expect(asked).toHaveLength(2);

    expect(await host.dispatch('settings.set', accept(false), trusted)).toMatchObject({
      ok: true,
      value: { credentialStorage: { mode: 'memory_only' } },
    });
    expect(onDisk()).toBe(false);
    expect(asked).toHaveLength(2);
    // A theme change alongside is not a question either.
    expect(await host.dispatch('settings.set', [{ theme: 'dark' }], trusted)).toMatchObject({ ok: true });
    expect(asked).toHaveLength(2);
    await host.core.stop();
  });
});
