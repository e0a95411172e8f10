import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from './atomic-file';
import { PRIVATE_DIR_MODE } from './private-dir';

/**
 * What the credential vault needs to encrypt: Electron's `safeStorage` in the app (same method names),
 * `KeyFileCipher` in Node.
 */
export interface Cipher {
  /** keychain (macOS), dpapi (Windows), gnome_libsecret / kwallet* / basic_text / unknown (Linux), node_key_file. */
  backend(): string;
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Backends whose "encryption" protects nothing: the key is fixed or stored next to the data. */
export const INSECURE_BACKENDS = new Set(['basic_text', 'unknown']);

const MAGIC = Buffer.from('LK1');

/**
 * AES-256-GCM with a key of its own: kept in a 0600 file (the browser bridge) or in memory (tests).
 * `backend` can be set to simulate another OS backend (e.g. `basic_text`) for tests of the policy.
 */
export class KeyFileCipher implements Cipher {
  private readonly key: Buffer;

  constructor(opts: { keyFile?: string; key?: Buffer; backend?: string } = {}) {
    this.backendName = opts.backend ?? 'node_key_file';
    if (opts.key) {
      if (opts.key.length !== 32) throw new Error('KeyFileCipher needs a 32-byte key');
      this.key = opts.key;
    } else if (opts.keyFile) {
      if (existsSync(opts.keyFile)) {
        this.key = Buffer.from(readFileSync(opts.keyFile, 'utf8').trim(), 'base64');
        if (this.key.length !== 32) throw new Error(`${opts.keyFile} does not hold a 32-byte key`);
      } else {
        mkdirSync(dirname(opts.keyFile), { recursive: true, mode: PRIVATE_DIR_MODE });
        this.key = randomBytes(32);
        writeFileAtomicSync(opts.keyFile, this.key.toString('base64'), { mode: 0o600 });
      }
    } else {
      this.key = randomBytes(32);
    }
  }

  private readonly backendName: string;

  backend() {
    return this.backendName;
  }

  isEncryptionAvailable() {
    return true;
  }

  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plainText, 'utf8'), c.final()]);
    return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    if (encrypted.length < MAGIC.length + 28 || !encrypted.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error('Not a value encrypted by this cipher');
    }
    const iv = encrypted.subarray(3, 15);
    const tag = encrypted.subarray(15, 31);
    const d = createDecipheriv('aes-256-gcm', this.key, iv);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(encrypted.subarray(31)), d.final()]).toString('utf8');
  }
}
