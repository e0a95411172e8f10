import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestServiceAccount } from './fake/service-account-keys';
import { createGoogleAnalyticsHandler } from './handler';
import { parseServiceAccountKey } from './service-account';

const account = createTestServiceAccount('reporter@acme-analytics.iam.gserviceaccount.com');
const keyFile = JSON.parse(account.keyFile) as Record<string, unknown>;
const pem = keyFile.private_key as string;
const withChanges = (changes: Record<string, unknown>) => JSON.stringify({ ...keyFile, ...changes });
const messages = (raw: unknown) => {
  const parsed = parseServiceAccountKey(raw);
  if (parsed.ok) throw new Error('expected errors');
  return parsed.errors;
};
/** A line of base64 from the middle of the key: must never show up in a message. */
const keyFragment = pem.split('\n')[5];

describe('parseServiceAccountKey', () => {
  it('accepts a key file as Google downloads it', () => {
    const parsed = parseServiceAccountKey(account.keyFile);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.key.clientEmail).toBe('reporter@acme-analytics.iam.gserviceaccount.com');
    expect(parsed.key.privateKeyId).toBe(account.keyId);
    expect(parsed.key.privateKey.asymmetricKeyType).toBe('rsa');
    expect(parsed.key.cacheId).toContain(account.email);
    expect(parsed.key.cacheId).not.toContain(keyFragment);
  });

  it('rejects text that is not JSON without echoing it', () => {
    const errors = messages(`{"type": "service_account", "private_key": "${keyFragment}`);
    expect(errors).toEqual([{ path: '/serviceAccountKey', message: 'is not valid JSON: paste the whole downloaded key file' }]);
    expect(JSON.stringify(errors)).not.toContain(keyFragment);
  });

  it('tells a person who pasted only the PEM to paste the whole file', () => {
    expect(messages(pem)[0].message).toMatch(/is only a private key: paste the whole downloaded JSON key file/);
  });

  it('requires type "service_account" and names the credential that was pasted instead', () => {
    const [error] = messages(JSON.stringify({ type: 'authorized_user', client_id: 'x', client_secret: 'y', refresh_token: 'z' }));
    expect(error.path).toBe('/serviceAccountKey');
    expect(error.message).toMatch(/^type must be "service_account" \(this file is a "authorized_user" credential\)/);
  });

  it('rejects a private_key that is not a PEM private key', () => {
    const errors = messages(withChanges({ private_key: pem.replace(/[A-Za-z]/g, (c, i: number) => (i > 60 && i < 400 ? 'A' : c)) }));
    expect(errors.map((e) => e.message)).toContain('private_key is not a valid PEM private key: paste the key file again without editing it');
    expect(JSON.stringify(errors)).not.toContain('BEGIN');
    expect(messages(withChanges({ private_key: 'not a key' }))[0].message).toMatch(/^private_key is not a valid PEM private key/);
  });

  it('rejects a key Google could not have issued (not RSA)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(messages(withChanges({ private_key: ec }))[0].message).toMatch(/must be an RSA key/);
  });

  it('reports every bad field at once', () => {
    const errors = messages(withChanges({ client_email: 'reporter', private_key_id: 42, private_key: undefined }));
    expect(errors.map((e) => e.message)).toEqual([
      'client_email must be the service account e-mail address (…@….iam.gserviceaccount.com)',
      'private_key_id must be a string',
      'private_key is missing: paste the whole downloaded key file',
    ]);
  });

  it('accepts a private_key whose newlines were escaped twice (came through an environment variable)', () => {
    expect(parseServiceAccountKey(withChanges({ private_key: pem.replace(/\n/g, '\\n') })).ok).toBe(true);
  });

  it('is what the handler reports from validateConfig', () => {
    const handler = createGoogleAnalyticsHandler();
    expect(handler.validateConfig({ serviceAccountKey: account.keyFile, propertyId: '1' })).toEqual([]);
    expect(handler.validateConfig({ serviceAccountKey: 'nope', propertyId: '1' })).toEqual([
      { path: '/serviceAccountKey', message: 'is not valid JSON: paste the whole downloaded key file' },
    ]);
  });
});
