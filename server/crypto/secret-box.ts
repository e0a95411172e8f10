import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

/**
 * AES-256-GCM envelopes for secrets at rest: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 * A fresh 96-bit IV per value; the key id travels with the ciphertext so old keys keep decrypting after
 * rotation; the AAD binds a value to its purpose (e.g. the config field), so envelopes can't be swapped.
 */
export class SecretKeyError extends Error {
  constructor(
    message: string,
    readonly keyId: string,
  ) {
    super(message);
  }
}

const PREFIX = 'v1';

export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${PREFIX}.`) && value.split('.').length === 5;
}

export function envelopeKeyId(envelope: string): string {
  return envelope.split('.')[1];
}

export function seal(keyring: Keyring, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.primary.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, keyring.primary.id, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
}

export function open(keyring: Keyring, envelope: string, aad: string): string {
  if (!isEnvelope(envelope)) throw new SecretKeyError('Stored secret is not a recognised encrypted envelope', '?');
  const [, keyId, ivB64, tagB64, ctB64] = envelope.split('.');
  const entry = keyring.byId.get(keyId);
  if (!entry) {
    throw new SecretKeyError(
      `A stored secret was encrypted with key "${keyId}", which is not configured (INTEGRATIONS_ENCRYPTION_KEYS or the key file)`,
      keyId,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(ivB64, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tagB64, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(
      `Key "${keyId}" failed to decrypt a stored secret (authentication failed): the key material configured under that id is wrong`,
      keyId,
    );
  }
}
