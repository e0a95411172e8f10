import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPrimaryKeyToFile, KeyringError, loadKeyring, parseKeyringEnv } from './keyring';
import { hashPassword, verifyPassword } from './password';
import { open, seal } from './secret-box';

const key = () => Buffer.alloc(32, Math.floor(Math.random() * 255)).toString('base64');

describe('secret box', () => {
  it('round-trips, binds the AAD and detects tampering', () => {
    const ring = parseKeyringEnv(`a:${key()}`);
    const env = seal(ring, 'hunter2-but-longer', 'integration-config:apiKey');
    expect(open(ring, env, 'integration-config:apiKey')).toBe('hunter2-but-longer');
    expect(seal(ring, 'same', 'x')).not.toBe(seal(ring, 'same', 'x'));
    expect(() => open(ring, env, 'integration-config:accessToken')).toThrow(/Key "a" failed to decrypt/);
    const parts = env.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => open(ring, parts.join('.'), 'integration-config:apiKey')).toThrow(/authentication failed/);
  });
});

describe('keyring', () => {
  it('parses ids and keys, the first being primary', () => {
    const ring = parseKeyringEnv(`new:${key()}, old:${'ab'.repeat(32)}`);
    expect(ring.primary.id).toBe('new');
    expect([...ring.byId.keys()]).toEqual(['new', 'old']);
  });

  it('explains bad input', () => {
    expect(() => parseKeyringEnv('nokey')).toThrow(KeyringError);
    expect(() => parseKeyringEnv(`a:${Buffer.alloc(16).toString('base64')}`)).toThrow(/must be 32 bytes/);
    expect(() => parseKeyringEnv(`a:${key()},a:${key()}`)).toThrow(/appears twice/);
    expect(() => parseKeyringEnv(`bad id:${key()}`)).toThrow(/invalid/);
  });

  it('creates a 0600 key file when no keys are configured, and can add a new primary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const first = loadKeyring({ dataDir: dir });
    expect(first.notice).toMatch(/created a local encryption key file/);
    expect(statSync(join(dir, 'encryption-keys.json')).mode & 0o777).toBe(0o600);
    const again = loadKeyring({ dataDir: dir });
    expect(again.keyring.primary.key.equals(first.keyring.primary.key)).toBe(true);
    const id = addPrimaryKeyToFile(dir);
    const rotated = loadKeyring({ dataDir: dir }).keyring;
    expect(rotated.primary.id).toBe(id);
    expect(rotated.byId.has(first.keyring.primary.id)).toBe(true);
  });
});

describe('passwords', () => {
  it('hash with scrypt and verify', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
    expect(await verifyPassword('Correct horse battery staple', h)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
