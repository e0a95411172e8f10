import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../shared/secret-fields';
import { dumpAllText } from '../test-support/database';
import { createSubAccount, templateIds } from '../test-support/fixtures';
import { createTestServer, randomKeyringEnv, type TestServer } from '../test-support/server';
import { parseKeyringEnv } from './crypto/keyring';
import { rotateKeys } from './crypto/rotate-keys';
import { envelopeKeyId, SecretKeyError } from './crypto/secret-box';
import { revealConfig } from './integrations/secrets';

const CANARY = {
  apiKey: 'pit-CANARY-ghl-7f3a9c2e4b1d',
  accessToken: 'EAAB-CANARY-fb-5e8d2a7c9f01',
  appSecret: 'CANARY-fb-appsecret-0a1b2c3d',
  serviceAccountKey: '{"type":"service_account","private_key":"CANARY-ga-key-9d8c7b6a"}',
};
const canaryValues = Object.values(CANARY);
const fragments = canaryValues.map((v) => v.match(/CANARY-[a-z-]+[0-9a-f]+/)![0]);

let s: TestServer;
let token: string;
let ids: Record<string, number>;
const keysV1 = randomKeyringEnv('k1');

beforeAll(async () => {
  s = await createTestServer({ keyringEnv: keysV1 });
  token = (await s.login()).access_token;
  const tpl = await templateIds(s, token);
  const sub = await createSubAccount(s, token, 'Canary Co');
  const make = async (templateId: number, name: string, config: Record<string, unknown>) => {
    const res = await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: templateId, name, config } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const ghl = await make(tpl.GoHighLevel, 'GHL', { apiKey: CANARY.apiKey, locationId: 'Loc12345' });
  const fb = await make(tpl.FacebookAds, 'FB', { accessToken: CANARY.accessToken, appSecret: CANARY.appSecret, adAccountId: '1234' });
  const ga = await make(tpl.GoogleAnalytics, 'GA', { serviceAccountKey: CANARY.serviceAccountKey, propertyId: '987654' });
  ids = { ghl: ghl.id, fb: fb.id, ga: ga.id };
  // Exercise every path that touches a secret: read, list, edit (keep and change), conflict, failures, audit.
  await s.call('GET', `/api/integrations/${ghl.id}`, { token });
  await s.call('GET', '/api/integrations', { token });
  await s.call('PUT', `/api/integrations/${ghl.id}`, { token, body: { version: 1, name: 'GHL 2', config: { apiKey: SECRET_PLACEHOLDER, locationId: 'Loc12345' } } });
  await s.call('PUT', `/api/integrations/${ghl.id}`, { token, body: { version: 1, config: { apiKey: CANARY.apiKey, locationId: 'Loc12345' } } });
  await s.call('PUT', `/api/integrations/${fb.id}`, { token, body: { version: 1, config: { accessToken: CANARY.accessToken, adAccountId: 'bad id' } } });
  await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'bad', config: { apiKey: CANARY.apiKey, locationId: 'bad id!' } } });
  await s.call('POST', `/api/integration-templates/${tpl.GoHighLevel}/test`, { token, body: { config: { apiKey: CANARY.apiKey, locationId: 'Loc12345' } } });
  await s.call('GET', '/api/audit-log?limit=200', { token });
});
afterAll(() => s.close());

function expectNoCanary(text: string, where: string) {
  for (const f of fragments) expect(text.includes(f), `${f} found in ${where}`).toBe(false);
}

describe('secrets at rest and in transit', () => {
  it('never appear in any response, log line or database text dump', async () => {
    expect(s.responses.length).toBeGreaterThan(10);
    for (const body of s.responses) expectNoCanary(body, `response ${body.slice(0, 80)}`);
    expect(s.logs.length).toBeGreaterThan(10);
    expectNoCanary(s.logs.join('\n'), 'logs');
    expectNoCanary(await dumpAllText(s.database), 'database dump');
  });

  it('are stored as AES-GCM envelopes with the key id, a fresh IV each', async () => {
    const rows = await s.database.query<{ id: number; config: Record<string, unknown>; secrets: Record<string, string>; webhook_secret: string }>(
      'select id, config, secrets, webhook_secret from integrations order by id',
    );
    const envelopes = rows.flatMap((r) => [...Object.values(r.secrets), r.webhook_secret]);
    for (const e of envelopes) expect(e).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    const ivs = envelopes.map((e) => e.split('.')[2]);
    expect(new Set(ivs).size).toBe(ivs.length);
    const ghl = rows.find((r) => r.id === ids.ghl)!;
    expect(revealConfig(s.keyring, ghl.config, ghl.secrets)).toEqual({ apiKey: CANARY.apiKey, locationId: 'Loc12345' });
  });

  it('audit entries say a secret changed without its value', async () => {
    const audit = (await s.call('GET', `/api/audit-log?entity=integration&entityId=${ids.ghl}`, { token })).json();
    const created = audit.items.find((e: { action: string }) => e.action === 'create');
    expect(created.diff['config.apiKey']).toEqual({ changed: true, secret: true });
    expect(created.diff['config.locationId']).toEqual({ from: null, to: 'Loc12345' });
    const renamed = audit.items.find((e: { diff: Record<string, unknown> }) => 'name' in e.diff);
    expect(renamed.diff).toEqual({ name: { from: 'GHL', to: 'GHL 2' } });
  });
});

describe('key rotation', () => {
  it('re-encrypts every secret with the new primary key, idempotently, keeping every value', async () => {
    const before = await s.database.query<{ id: number; config: Record<string, unknown>; secrets: Record<string, string> }>('select id, config, secrets from integrations order by id');
    const plainBefore = before.map((r) => revealConfig(s.keyring, r.config, r.secrets));

    // The operator puts a new key first and keeps the old one for decryption.
    const keysV2 = `${randomKeyringEnv('k2')},${keysV1}`;
    const keyring2 = parseKeyringEnv(keysV2);
    const report = await rotateKeys(s.database.db, keyring2, { batchSize: 2 });
    expect(report.rotatedIntegrations).toBe(before.length);
    expect(report.rotatedValues).toBe(before.reduce((n, r) => n + Object.keys(r.secrets).length + 1, 0));

    const after = await s.database.query<{ config: Record<string, unknown>; secrets: Record<string, string>; webhook_secret: string }>('select config, secrets, webhook_secret from integrations order by id');
    for (const r of after) {
      for (const e of [...Object.values(r.secrets), r.webhook_secret]) expect(envelopeKeyId(e)).toBe('k2');
    }
    expect(after.map((r) => revealConfig(keyring2, r.config, r.secrets))).toEqual(plainBefore);
    // Running it again (e.g. after a crash) finds nothing left to do.
    expect(await rotateKeys(s.database.db, keyring2)).toEqual({ rotatedIntegrations: 0, rotatedValues: 0 });
    // The old key alone can no longer read them, and says which key is missing.
    expect(() => revealConfig(s.keyring, after[0].config, after[0].secrets)).toThrow(/key "k2", which is not configured/);
  });

  it('stops with an error naming the key when a key is missing or wrong, overwriting nothing', async () => {
    const stored = await s.database.query<{ secrets: Record<string, string> }>('select secrets from integrations order by id');
    const onlyK3 = parseKeyringEnv(randomKeyringEnv('k3'));
    await expect(rotateKeys(s.database.db, onlyK3)).rejects.toThrow(/key "k2", which is not configured/);
    const wrongK2 = parseKeyringEnv(`${randomKeyringEnv('k3')},${randomKeyringEnv('k2')}`);
    const err = await rotateKeys(s.database.db, wrongK2).catch((e) => e);
    expect(err).toBeInstanceOf(SecretKeyError);
    expect(err.message).toMatch(/Key "k2" failed to decrypt/);
    expect(await s.database.query('select secrets from integrations order by id')).toEqual(stored);
  });
});
