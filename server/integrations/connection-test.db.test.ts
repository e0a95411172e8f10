import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { FAKE_LOCATION_ID, FAKE_OTHER_LOCATION_TOKEN, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl } from '../providers/gohighlevel/fake';
import { HandlerRegistry } from '../providers/registry';

/** Test-before-save (wizard step 3) and the saved integration's test, over the API against the GHL fake. */
let s: TestServer;
let ghl: FakeGhl;
let token: string;
let tpl: number;
let sub: number;

beforeAll(async () => {
  ghl = await startFakeGhl();
  s = await createTestServer({ handlers: new HandlerRegistry().register(createGoHighLevelHandler({ baseUrl: ghl.url })), sync: {} });
  token = (await s.login()).access_token;
  tpl = (await templateIds(s, token)).GoHighLevel;
  sub = await createSubAccount(s, token, 'Dental');
});
afterAll(async () => {
  await s?.close();
  await ghl?.close();
});

describe('connection tests', () => {
  it('tests an unsaved config and says what it reached', async () => {
    const res = await s.call('POST', `/api/integration-templates/${tpl}/test`, { token, body: { config: { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID } } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ok: true, details: { location: { id: FAKE_LOCATION_ID, name: 'Acme Dental' } } });
    expect(body.message).toMatch(/Acme Dental/);
    expect(body.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(body.checkedAt)).not.toBeNaN();
  });

  it('explains a rejected key and a key without access, and validates before calling out', async () => {
    const rejected = (await s.call('POST', `/api/integration-templates/${tpl}/test`, { token, body: { config: { apiKey: 'pit-revoked-key-123456', locationId: FAKE_LOCATION_ID } } })).json();
    expect(rejected.ok).toBe(false);
    expect(rejected.message).toMatch(/GoHighLevel rejected the API key \(401/);
    const other = (await s.call('POST', `/api/integration-templates/${tpl}/test`, { token, body: { config: { apiKey: FAKE_OTHER_LOCATION_TOKEN, locationId: FAKE_LOCATION_ID } } })).json();
    expect(other.ok).toBe(false);
    expect(other.message).toMatch(/access/i);
    const before = ghl.state.requests.length;
    const invalid = await s.call('POST', `/api/integration-templates/${tpl}/test`, { token, body: { config: { locationId: 'bad id' } } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details.map((d: { path: string }) => d.path).sort()).toEqual(['/body/config/apiKey', '/body/config/locationId']);
    expect(ghl.state.requests.length).toBe(before);
  });

  it('updates a saved integration from the outcome, then syncs its contacts', async () => {
    const created = (await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: tpl, name: 'Acme', config: { apiKey: 'pit-revoked-key-123456', locationId: FAKE_LOCATION_ID } } })).json();
    const failed = (await s.call('POST', `/api/integrations/${created.id}/test`, { token })).json();
    expect(failed.ok).toBe(false);
    let now = (await s.call('GET', `/api/integrations/${created.id}`, { token })).json();
    expect(now).toMatchObject({ status: 'disconnected', errorMessage: failed.message });

    const fixed = await s.call('PUT', `/api/integrations/${created.id}`, { token, body: { version: now.version, config: { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID } } });
    expect(fixed.json().status).toBe('pending');
    expect((await s.call('POST', `/api/integrations/${created.id}/test`, { token })).json().ok).toBe(true);
    now = (await s.call('GET', `/api/integrations/${created.id}`, { token })).json();
    expect(now).toMatchObject({ status: 'active', errorMessage: null });

    const { syncRunId } = (await s.call('POST', `/api/integrations/${created.id}/sync`, { token })).json();
    let run;
    for (let i = 0; i < 200; i++) {
      run = (await s.call('GET', `/api/sync-runs/${syncRunId}`, { token })).json();
      if (run.finishedAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run.status).toBe('succeeded');
    const seeded = ghl.state.locations.get(FAKE_LOCATION_ID)!.contacts.length;
    expect(run.counts.contact).toMatchObject({ fetched: seeded, created: seeded });
    const records = (await s.call('GET', `/api/integrations/${created.id}/records?kind=contact&limit=1`, { token })).json();
    expect(records.totals.contact).toBe(seeded);
  });
});
