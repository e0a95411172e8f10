import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { ApiErrorDetail } from '../../../shared/api/common';

/** A parsed, usable Google service account key. `privateKey` never leaves this process. */
export interface ServiceAccountKey {
  clientEmail: string;
  privateKey: KeyObject;
  privateKeyId?: string;
  tokenUri?: string;
  /** Identifies this exact key for caches without holding key material: email, key id and a hash of the key. */
  cacheId: string;
}

export type ParsedServiceAccountKey = { ok: true; key: ServiceAccountKey } | { ok: false; errors: ApiErrorDetail[] };

const PATH = '/serviceAccountKey';
// Deliberately loose: Google's own addresses are …@<project>.iam.gserviceaccount.com, but older
// App Engine default accounts (…@appspot.gserviceaccount.com) are valid too.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const fail = (...messages: string[]): ParsedServiceAccountKey => ({ ok: false, errors: messages.map((message) => ({ path: PATH, message })) });

/**
 * Parses the JSON key file a person pasted. Messages say what to fix and never quote the input:
 * JSON.parse's own message would echo a fragment of the text, which may be the private key.
 */
export function parseServiceAccountKey(raw: unknown): ParsedServiceAccountKey {
  if (typeof raw !== 'string' || raw.trim() === '') return fail('is required: paste the whole downloaded key file');
  const text = raw.trim();
  if (text.startsWith('-----BEGIN')) {
    return fail('is only a private key: paste the whole downloaded JSON key file, not just its private_key');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('is not valid JSON: paste the whole downloaded key file');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('is not valid JSON: paste the whole downloaded key file');
  }
  const file = json as Record<string, unknown>;

  if (file.type !== 'service_account') {
    const seen = typeof file.type === 'string' && /^[a-z_]{1,40}$/.test(file.type) ? ` (this file is a "${file.type}" credential)` : '';
    return fail(`type must be "service_account"${seen}: create a JSON key under IAM & Admin → Service accounts → Keys`);
  }

  const errors: string[] = [];
  const clientEmail = typeof file.client_email === 'string' ? file.client_email.trim() : '';
  if (!EMAIL.test(clientEmail)) errors.push('client_email must be the service account e-mail address (…@….iam.gserviceaccount.com)');

  if (file.private_key_id !== undefined && typeof file.private_key_id !== 'string') errors.push('private_key_id must be a string');
  if (file.token_uri !== undefined && (typeof file.token_uri !== 'string' || !isHttpUrl(file.token_uri))) {
    errors.push('token_uri must be a URL such as https://oauth2.googleapis.com/token');
  }

  const privateKey = loadPrivateKey(file.private_key);
  if (typeof privateKey === 'string') errors.push(privateKey);

  if (errors.length || typeof privateKey === 'string') return fail(...errors);

  const privateKeyId = typeof file.private_key_id === 'string' && file.private_key_id !== '' ? file.private_key_id : undefined;
  // Hash the DER so that the same key pasted with different line wrapping is one cache entry.
  const fingerprint = createHash('sha256').update(privateKey.export({ type: 'pkcs8', format: 'der' })).digest('hex');
  return {
    ok: true,
    key: {
      clientEmail,
      privateKey,
      privateKeyId,
      tokenUri: typeof file.token_uri === 'string' ? file.token_uri : undefined,
      cacheId: `${clientEmail}#${privateKeyId ?? '-'}#${fingerprint}`,
    },
  };
}

/** Returns the key, or a message saying why it cannot be used. */
function loadPrivateKey(value: unknown): KeyObject | string {
  if (typeof value !== 'string' || value.trim() === '') return 'private_key is missing: paste the whole downloaded key file';
  // A key that went through an environment variable or a second JSON encoding arrives with literal "\n".
  const pem = !value.includes('\n') && value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) return 'private_key is not a valid PEM private key: paste the key file again without editing it';
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return 'private_key is not a valid PEM private key: paste the key file again without editing it';
  }
  // Google signs service account assertions with RS256 only.
  if (key.asymmetricKeyType !== 'rsa') return 'private_key must be an RSA key, as in the key files Google issues';
  return key;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
