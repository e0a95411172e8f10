import { existsSync, mkdtempSync, readFileSync as readRaw } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyFileCipher, type Cipher } from './cipher';
import { JsonFileStore } from './kv-store';
import { CredentialVault, vaultNames } from './vault';

/** The vault file's text ('' when nothing was ever stored). */
const readFileSync = (path: string, enc: 'utf8') => (existsSync(path) ? readRaw(path, enc) : '');
const fresh = () => mkdtempSync(join(tmpdir(), 'loctelli-vault-'));

function open(dir: string, opts: { backend?: string; accepted?: () => boolean; cipher?: Cipher } = {}) {
  const cipher = opts.cipher ?? new KeyFileCipher({ keyFile: join(dir, 'vault.key'), backend: opts.backend });
  const store = new JsonFileStore(join(dir, 'vault.json'));
  return { vault: new CredentialVault(cipher, store, opts.accepted ?? (() => false)), file: join(dir, 'vault.json') };
}

describe('credential vault', () => {
  it('round-trips values encrypted on disk, across restarts', () => {
    const dir = fresh();
    const a = open(dir);
    expect(a.vault.status()).toMatchObject({ backend: 'node_key_file', mode: 'encrypted', warning: null, canAcceptInsecure: false });
    a.vault.set(vaultNames.refreshToken('p1'), 'refresh-token-value-1234567890');
    a.vault.set(vaultNames.embeddedAdminPassword, 'local-admin-password');
    const onDisk = readFileSync(a.file, 'utf8');
    expect(onDisk).not.toContain('refresh-token-value');
    expect(onDisk).not.toContain('local-admin-password');
    const b = open(dir); // a restart
    expect(b.vault.get(vaultNames.refreshToken('p1'))).toBe('refresh-token-value-1234567890');
    expect(b.vault.get(vaultNames.embeddedAdminPassword)).toBe('local-admin-password');
    b.vault.delete(vaultNames.refreshToken('p1'));
    expect(open(dir).vault.get(vaultNames.refreshToken('p1'))).toBeUndefined();
    const sealed = b.vault.seal('draft secret')!;
    expect(sealed).not.toContain('draft');
    expect(b.vault.unseal(sealed)).toBe('draft secret');
  });

  it('forgets values it cannot decrypt (another OS user or keyring)', () => {
    const dir = fresh();
    open(dir).vault.set('x', 'value');
    const other = open(dir, { cipher: new KeyFileCipher() });
    expect(other.vault.get('x')).toBeUndefined();
    expect(readFileSync(join(dir, 'vault.json'), 'utf8')).not.toContain('"x"');
  });

  it('basic_text: keeps credentials in memory only unless the user accepts, and says so', () => {
    const dir = fresh();
    let accepted = false;
    const a = open(dir, { backend: 'basic_text', accepted: () => accepted });
    const s = a.vault.status();
    expect(s).toMatchObject({ backend: 'basic_text', mode: 'memory_only', canAcceptInsecure: true });
    expect(s.warning).toMatch(/memory only/);
    a.vault.set('refresh:p1', 'token-in-memory');
    expect(a.vault.get('refresh:p1')).toBe('token-in-memory');
    expect(a.vault.seal('x')).toBeNull();
    expect(readFileSync(a.file, 'utf8')).not.toContain('refresh:p1');
    // Restart: gone.
    expect(open(dir, { backend: 'basic_text' }).vault.get('refresh:p1')).toBeUndefined();

    // The user accepts: what is in memory is written out.
    accepted = true;
    a.vault.policyChanged();
    expect(a.vault.status().mode).toBe('basic_text_accepted');
    expect(a.vault.status().warning).toMatch(/fixed key/);
    expect(readFileSync(a.file, 'utf8')).toContain('refresh:p1');
    expect(open(dir, { backend: 'basic_text', accepted: () => true }).vault.get('refresh:p1')).toBe('token-in-memory');

    // And changes their mind: erased from disk, still usable in this session.
    accepted = false;
    a.vault.policyChanged();
    expect(readFileSync(a.file, 'utf8')).not.toContain('refresh:p1');
    expect(a.vault.get('refresh:p1')).toBe('token-in-memory');
  });

  it('with no encryption at all: memory only, and accepting is not offered', () => {
    const dir = fresh();
    const none: Cipher = {
      backend: () => 'unknown',
      isEncryptionAvailable: () => false,
      encryptString: () => {
        throw new Error('unavailable');
      },
      decryptString: () => {
        throw new Error('unavailable');
      },
    };
    const a = open(dir, { cipher: none, accepted: () => true });
    expect(a.vault.status()).toMatchObject({ mode: 'memory_only', canAcceptInsecure: false, encryptionAvailable: false });
    a.vault.set('k', 'v');
    expect(a.vault.get('k')).toBe('v');
    expect(readFileSync(a.file, 'utf8')).not.toContain('"k"');
  });
});
