import { createPublicKey, createVerify, verify as verifySignature, type KeyObject } from 'node:crypto';

/**
 * GoHighLevel's published platform keys (Webhook Integration Guide, "Verifying webhook authenticity"). They are public
 * keys, not credentials. Ed25519 signs `X-GHL-Signature`; the 4096-bit RSA key signs the legacy `X-WH-Signature`,
 * which GoHighLevel is retiring. Both can be overridden (GHL_WEBHOOK_PUBLIC_KEY / GHL_WEBHOOK_LEGACY_PUBLIC_KEY)
 * should GoHighLevel rotate them.
 */
export const GHL_WEBHOOK_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----`;

export const GHL_WEBHOOK_LEGACY_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`;

export type SignatureCheck = { ok: true; scheme: 'ed25519' | 'rsa-sha256' } | { ok: false; reason: string };

type LoadedKey = { key: KeyObject } | { error: string };

export interface WebhookKeyOptions {
  /** PEM of the Ed25519 key for X-GHL-Signature; GoHighLevel's published key when omitted. */
  publicKey?: string;
  /** PEM of the RSA key for the legacy X-WH-Signature; GoHighLevel's published key when omitted. */
  legacyPublicKey?: string;
}

/** Checks GoHighLevel's asymmetric webhook signatures over the exact raw body. Never throws. */
export class GhlWebhookVerifier {
  private readonly ed25519: LoadedKey;
  private readonly rsa: LoadedKey;

  constructor(opts: WebhookKeyOptions = {}) {
    this.ed25519 = loadKey(opts.publicKey?.trim() || GHL_WEBHOOK_PUBLIC_KEY, 'ed25519', 'GHL_WEBHOOK_PUBLIC_KEY');
    this.rsa = loadKey(opts.legacyPublicKey?.trim() || GHL_WEBHOOK_LEGACY_PUBLIC_KEY, 'rsa', 'GHL_WEBHOOK_LEGACY_PUBLIC_KEY');
  }

  check(rawBody: Buffer, headers: Record<string, string | undefined>): SignatureCheck {
    // X-GHL-Signature is the current scheme: when present it alone decides, so a bad one cannot fall back to the legacy header.
    const current = header(headers, 'x-ghl-signature');
    if (current !== undefined) {
      if (!('key' in this.ed25519)) return { ok: false, reason: this.ed25519.error };
      const sig = decodeBase64(current);
      if (!sig || sig.length !== 64) return { ok: false, reason: 'x-ghl-signature is not a base64 Ed25519 signature' };
      const key = this.ed25519.key;
      return safeVerify(() => verifySignature(null, rawBody, key, sig))
        ? { ok: true, scheme: 'ed25519' }
        : { ok: false, reason: 'x-ghl-signature does not match the body (Ed25519)' };
    }
    const legacy = header(headers, 'x-wh-signature');
    if (legacy !== undefined) {
      if (!('key' in this.rsa)) return { ok: false, reason: this.rsa.error };
      const sig = decodeBase64(legacy);
      if (!sig) return { ok: false, reason: 'x-wh-signature is not base64' };
      const key = this.rsa.key;
      return safeVerify(() => createVerify('sha256').update(rawBody).verify(key, sig))
        ? { ok: true, scheme: 'rsa-sha256' }
        : { ok: false, reason: 'x-wh-signature does not match the body (RSA-SHA256)' };
    }
    return { ok: false, reason: 'missing signature header (x-ghl-signature or x-wh-signature)' };
  }
}

/** Header names arrive lower-cased from Node, but callers may pass any case. GoHighLevel sends "N/A" when unsigned. */
function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name || typeof v !== 'string') continue;
    const value = v.trim();
    return value && value !== 'N/A' ? value : undefined;
  }
  return undefined;
}

function decodeBase64(value: string): Buffer | null {
  if (value.length > 2048 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const buf = Buffer.from(value, 'base64');
  return buf.length ? buf : null;
}

function safeVerify(run: () => boolean): boolean {
  try {
    return run();
  } catch {
    return false;
  }
}

/** Environment editors mangle multi-line PEMs (literal "\n", wrapping quotes); rebuild the PEM from its base64 body. */
function loadKey(input: string, type: 'ed25519' | 'rsa', envName: string): LoadedKey {
  const body = input
    .replace(/\\n/g, '\n')
    .replace(/["']/g, '')
    .replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '')
    .replace(/\s+/g, '');
  try {
    const key = createPublicKey(`-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`);
    if (key.asymmetricKeyType !== type) return { error: `${envName} is a ${key.asymmetricKeyType} key, not ${type}` };
    return { key };
  } catch {
    return { error: `${envName} is not a valid ${type} public key (PEM)` };
  }
}
