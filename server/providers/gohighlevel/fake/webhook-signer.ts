import { createSign, generateKeyPairSync, sign } from 'node:crypto';

/**
 * Signs webhook bodies the way GoHighLevel does, with throwaway key pairs: Ed25519 for X-GHL-Signature and
 * RSA-SHA256 for the legacy X-WH-Signature, both base64 over the raw body. Hand the public PEMs to the handler.
 */
export function createWebhookSigner() {
  const ed25519 = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (key: typeof ed25519.publicKey) => key.export({ type: 'spki', format: 'pem' }).toString();
  const bytes = (body: string | Buffer) => (Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));

  return {
    publicKeyPem: pem(ed25519.publicKey),
    legacyPublicKeyPem: pem(rsa.publicKey),
    signEd25519: (body: string | Buffer) => sign(null, bytes(body), ed25519.privateKey).toString('base64'),
    signRsa: (body: string | Buffer) => createSign('sha256').update(bytes(body)).sign(rsa.privateKey, 'base64'),
  };
}

export type WebhookSigner = ReturnType<typeof createWebhookSigner>;
