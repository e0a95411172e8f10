import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The keys the server can decrypt with; the first one (primary) encrypts. */
export interface Keyring {
  primary: EncryptionKey;
  byId: Map<string, EncryptionKey>;
  source: 'env' | 'file';
}

export class KeyringError extends Error {}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const KEY_FILE_NAME = 'encryption-keys.json';

function decodeKey(id: string, encoded: string): Buffer {
  const trimmed = encoded.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new KeyringError(`Encryption key "${id}" must be 32 bytes (base64 or 64 hex characters), got ${key.length} bytes`);
  }
  return key;
}

function build(entries: Array<[string, string]>, source: Keyring['source']): Keyring {
  if (entries.length === 0) throw new KeyringError('No encryption keys given');
  const byId = new Map<string, EncryptionKey>();
  for (const [id, encoded] of entries) {
    if (!KEY_ID.test(id)) throw new KeyringError(`Encryption key id "${id}" is invalid: use 1-32 of A-Z a-z 0-9 _ -`);
    if (byId.has(id)) throw new KeyringError(`Encryption key id "${id}" appears twice`);
    byId.set(id, { id, key: decodeKey(id, encoded) });
  }
  return { primary: byId.get(entries[0][0])!, byId, source };
}

/** Parses `INTEGRATIONS_ENCRYPTION_KEYS`: comma-separated `id:key` pairs, the first is primary. */
export function parseKeyringEnv(value: string): Keyring {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair): [string, string] => {
      const at = pair.indexOf(':');
      if (at <= 0) throw new KeyringError('INTEGRATIONS_ENCRYPTION_KEYS must look like "k2:<base64>,k1:<base64>"');
      return [pair.slice(0, at), pair.slice(at + 1)];
    });
  return build(entries, 'env');
}

interface KeyFile {
  keys: Array<{ id: string; key: string; createdAt: string }>;
}

export function newKeyId(): string {
  return `k${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}${randomBytes(2).toString('hex')}`;
}

function writeKeyFile(path: string, file: KeyFile) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/**
 * Loads the local key file from the data dir, creating it (mode 0600) when missing.
 * `created` tells the caller to log that a key file was made, so operators know to back it up.
 */
export function loadOrCreateKeyFile(dataDir: string): { keyring: Keyring; path: string; created: boolean } {
  const path = join(dataDir, KEY_FILE_NAME);
  let created = false;
  if (!existsSync(path)) {
    writeKeyFile(path, { keys: [{ id: newKeyId(), key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }] });
    created = true;
  }
  let file: KeyFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (err) {
    throw new KeyringError(`Encryption key file ${path} is unreadable: ${(err as Error).message}`);
  }
  if (!Array.isArray(file.keys)) throw new KeyringError(`Encryption key file ${path} has no "keys" list`);
  return { keyring: build(file.keys.map((k) => [k.id, k.key]), 'file'), path, created };
}

/** Adds a fresh primary key to the key file (for `rotate-keys --new-key`); older keys stay for decryption. */
export function addPrimaryKeyToFile(dataDir: string): string {
  const path = join(dataDir, KEY_FILE_NAME);
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const id = newKeyId();
  file.keys.unshift({ id, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() });
  writeKeyFile(path, file);
  return id;
}

export function loadKeyring(opts: { env?: string; dataDir: string }): { keyring: Keyring; notice?: string } {
  if (opts.env && opts.env.trim()) return { keyring: parseKeyringEnv(opts.env) };
  const { keyring, path, created } = loadOrCreateKeyFile(opts.dataDir);
  return {
    keyring,
    notice: created
      ? `INTEGRATIONS_ENCRYPTION_KEYS is not set: created a local encryption key file at ${path} (mode 0600). Back it up: secrets cannot be decrypted without it.`
      : `INTEGRATIONS_ENCRYPTION_KEYS is not set: using the local encryption key file at ${path}.`,
  };
}
