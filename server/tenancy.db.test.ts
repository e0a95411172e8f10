import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminSession, createGhlIntegration, createSubAccount, GHL_CONFIG, templateIds } from '../test-support/fixtures';
import { createTestServer, type TestServer } from '../test-support/server';

/** An admin of subaccount A must not be able to see or touch anything of subaccount B. */
let s: TestServer;
let superToken: string;
let alice: string;
let subA: number;
let subB: number;
let inA: { id: number };
let inB: { id: number; name: string };
let ghl: number;

beforeAll(async () => {
  s = await createTestServer();
  superToken = (await s.login()).access_token;
  subA = await createSubAccount(s, superToken, 'Tenant A');
  subB = await createSubAccount(s, superToken, 'Tenant B');
  ghl = (await templateIds(s, superToken)).GoHighLevel;
  inA = await createGhlIntegration(s, superToken, subA, ghl, 'A integration');
  inB = await createGhlIntegration(s, superToken, subB, ghl, 'B secret integration');
  alice = (await createAdminSession(s, superToken, 'alice@tenant-a.test', [subA])).token;
});
afterAll(() => s.close());

describe('cross-tenant access', () => {
  it('answers 404 on every read and write of B, exactly as for an integration that does not exist', async () => {
    const missing = 2_000_000_000;
    const requests: Array<[string, (id: number) => string, unknown?]> = [
      ['GET', (id) => `/api/integrations/${id}`],
      ['PUT', (id) => `/api/integrations/${id}`, { version: 1, name: 'hijacked' }],
      ['DELETE', (id) => `/api/integrations/${id}`],
      ['POST', (id) => `/api/integrations/${id}/activate`],
      ['POST', (id) => `/api/integrations/${id}/deactivate`],
      ['POST', (id) => `/api/integrations/${id}/test`],
      ['GET', (id) => `/api/subaccounts/${id === inB.id ? subB : missing}`],
    ];
    for (const [method, url, body] of requests) {
      const theirs = await s.call(method, url(inB.id), { token: alice, body });
      const nobody = await s.call(method, url(missing), { token: alice, body });
      expect(theirs.statusCode, `${method} ${url(inB.id)}`).toBe(404);
      expect(theirs.json(), `${method} ${url(inB.id)}`).toEqual(nobody.json());
    }
    const create = await s.call('POST', '/api/integrations', {
      token: alice,
      body: { subAccountId: subB, integrationTemplateId: ghl, name: 'planted', config: GHL_CONFIG },
    });
    expect(create.statusCode).toBe(404);
    // Nothing of B changed.
    const b = (await s.call('GET', `/api/integrations/${inB.id}`, { token: superToken })).json();
    expect(b).toMatchObject({ name: 'B secret integration', version: 1, isActive: false });
    const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int as n from integrations where sub_account_id = $1', [subB]);
    expect(n).toBe(1);
  });

  it('never shows B in lists, filters, summaries, subaccounts or the audit log', async () => {
    const list = (await s.call('GET', '/api/integrations', { token: alice })).json();
    expect(list.items.map((i: { id: number }) => i.id)).toEqual([inA.id]);
    const filtered = (await s.call('GET', `/api/integrations?subAccountId=${subB}`, { token: alice })).json();
    expect(filtered.items).toEqual([]);
    const searched = (await s.call('GET', '/api/integrations?q=secret', { token: alice })).json();
    expect(searched.items).toEqual([]);
    const summary = (await s.call('GET', '/api/integrations/summary?groupBy=subAccount', { token: alice })).json();
    expect(summary.counts.total).toBe(1);
    expect(summary.bySubAccount.map((r: { subAccountId: number }) => r.subAccountId)).toEqual([subA]);
    const summaryB = (await s.call('GET', `/api/integrations/summary?subAccountId=${subB}`, { token: alice })).json();
    expect(summaryB.counts.total).toBe(0);
    const subs = (await s.call('GET', '/api/subaccounts', { token: alice })).json();
    expect(subs.map((x: { id: number }) => x.id)).toEqual([subA]);
    const audit = (await s.call('GET', '/api/audit-log?limit=200', { token: alice })).json();
    expect(audit.items.some((e: { subAccountId: number | null }) => e.subAccountId === subB)).toBe(false);
    expect(audit.items.some((e: { entity: string }) => e.entity === 'admin')).toBe(false);
    const auditB = (await s.call('GET', `/api/audit-log?subAccountId=${subB}`, { token: alice })).json();
    expect(auditB.items).toEqual([]);
  });

  it('lets the admin work normally inside A', async () => {
    const res = await s.call('PUT', `/api/integrations/${inA.id}`, { token: alice, body: { version: 1, description: 'mine' } });
    expect(res.statusCode).toBe(200);
    const created = await s.call('POST', '/api/integrations', {
      token: alice,
      body: { subAccountId: subA, integrationTemplateId: ghl, name: 'second', config: GHL_CONFIG },
    });
    expect(created.statusCode).toBe(201);
  });
});
