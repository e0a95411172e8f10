import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '../../shared/templates';
import { createAdminSession, createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';

let s: TestServer;
let token: string;
let adminToken: string;
beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
  const sub = await createSubAccount(s, token, 'T Co');
  adminToken = (await createAdminSession(s, token, 'plain@loctelli.test', [sub])).token;
});
afterAll(() => s.close());

const customTemplate = {
  name: 'Mailchimp',
  displayName: 'Mailchimp',
  category: 'Email',
  description: 'Audience sync',
  configSchema: {
    type: 'object',
    properties: { apiKey: { type: 'string', writeOnly: true }, server: { type: 'string', pattern: '^us[0-9]+$' } },
    required: ['apiKey'],
  },
  setupInstructions: '## Mailchimp\nCreate an API key.',
};

describe('seeded templates', () => {
  it('lists the three built-ins with their exact names, properties and secret markers', async () => {
    const list = (await s.call('GET', '/api/integration-templates', { token: adminToken })).json();
    for (const builtIn of BUILT_IN_TEMPLATES) {
      const t = list.find((x: { name: string }) => x.name === builtIn.name);
      expect(t).toMatchObject({ displayName: builtIn.displayName, category: builtIn.category, icon: builtIn.icon, apiVersion: builtIn.apiVersion, isActive: true });
      expect(t.configSchema).toEqual(builtIn.configSchema);
      expect(t.setupInstructions).toContain('##');
    }
    const ghl = list.find((x: { name: string }) => x.name === 'GoHighLevel');
    expect(Object.keys(ghl.configSchema.properties)).toEqual(['apiKey', 'locationId', 'calendarId', 'webhookUrl']);
    expect(ghl.configSchema.required).toEqual(['apiKey', 'locationId']);
    const fb = list.find((x: { name: string }) => x.name === 'FacebookAds');
    expect(Object.keys(fb.configSchema.properties)).toEqual(['accessToken', 'adAccountId', 'pageId', 'appSecret']);
    const secrets = list.flatMap((t: { configSchema: { properties: Record<string, { writeOnly?: boolean }> } }) =>
      Object.entries(t.configSchema.properties).filter(([, p]) => p.writeOnly).map(([k]) => k),
    );
    expect(secrets.sort()).toEqual(['accessToken', 'apiKey', 'appSecret', 'serviceAccountKey']);
  });

  it('filters by active and category (case-insensitive)', async () => {
    const crm = (await s.call('GET', '/api/integration-templates?category=crm&active=true', { token })).json();
    expect(crm.map((t: { name: string }) => t.name)).toEqual(['GoHighLevel']);
    const bad = await s.call('GET', '/api/integration-templates?active=maybe', { token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('/querystring/active');
  });
});

describe('super_admin management', () => {
  it('creates, updates and deletes a template; admins get 403', async () => {
    expect((await s.call('POST', '/api/integration-templates', { token: adminToken, body: customTemplate })).statusCode).toBe(403);
    const created = await s.call('POST', '/api/integration-templates', { token, body: customTemplate });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ name: 'Mailchimp', isActive: true, configSchema: customTemplate.configSchema });

    const dup = await s.call('POST', '/api/integration-templates', { token, body: customTemplate });
    expect(dup.statusCode).toBe(409);

    expect((await s.call('PUT', `/api/integration-templates/${id}`, { token: adminToken, body: { category: 'Other' } })).statusCode).toBe(403);
    const updated = await s.call('PUT', `/api/integration-templates/${id}`, { token, body: { category: 'Marketing', isActive: false } });
    expect(updated.json()).toMatchObject({ category: 'Marketing', isActive: false });
    expect((await s.call('GET', `/api/integration-templates/${id}`, { token: adminToken })).json().category).toBe('Marketing');

    expect((await s.call('DELETE', `/api/integration-templates/${id}`, { token: adminToken })).statusCode).toBe(403);
    expect((await s.call('DELETE', `/api/integration-templates/${id}`, { token })).statusCode).toBe(204);
    expect((await s.call('GET', `/api/integration-templates/${id}`, { token })).statusCode).toBe(404);
  });

  it('refuses a configSchema that is not a valid JSON Schema, with paths', async () => {
    const cases: Array<[unknown, string]> = [
      [{ type: 'object', properties: { a: { type: 'strin' } } }, '/body/configSchema/properties/a/type'],
      [{ type: 'array' }, '/body/configSchema/type'],
      [{ type: 'object', properties: { a: { type: 'string', pattern: '(' } } }, '/body/configSchema'],
      [{ type: 'object', properties: { a: { $ref: '#/definitions/missing' } } }, '/body/configSchema'],
      [{ type: 'object', properties: { n: { type: 'object', properties: { k: { type: 'string', writeOnly: true } } } } }, '/body/configSchema/properties/n/properties/k/writeOnly'],
      [{ type: 'object', properties: { a: { type: 'integer', writeOnly: true } } }, '/body/configSchema/properties/a/writeOnly'],
      [{ type: 'object', required: 'apiKey' }, '/body/configSchema/required'],
    ];
    for (const [configSchema, path] of cases) {
      const res = await s.call('POST', '/api/integration-templates', { token, body: { ...customTemplate, name: 'Broken', configSchema } });
      expect(res.statusCode, JSON.stringify(configSchema)).toBe(400);
      expect(res.json().details.map((d: { path: string }) => d.path), JSON.stringify(configSchema)).toContain(path);
    }
    const viaPut = await s.call('PUT', `/api/integration-templates/${(await templateIds(s, token)).GoHighLevel}`, { token, body: { configSchema: { type: 'nope' } } });
    expect(viaPut.statusCode).toBe(400);
  });

  it('answers 409 naming how many integrations use a template it is asked to delete', async () => {
    const ids = await templateIds(s, token);
    const sub = await createSubAccount(s, token, 'Users Co');
    await createGhlIntegration(s, token, sub, ids.GoHighLevel, 'one');
    await createGhlIntegration(s, token, sub, ids.GoHighLevel, 'two');
    const res = await s.call('DELETE', `/api/integration-templates/${ids.GoHighLevel}`, { token });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/is used by 2 integrations/);
    expect((await s.call('GET', `/api/integration-templates/${ids.GoHighLevel}`, { token })).statusCode).toBe(200);
  });
});
