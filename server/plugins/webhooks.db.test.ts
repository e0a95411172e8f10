import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createFacebookAdsHandler } from '../providers/facebook-ads';
import { FAKE, startFakeGraph, type FakeGraph } from '../providers/facebook-ads/fake/fake-graph';
import { HandlerRegistry } from '../providers/registry';

/** Webhook intake over the real route: Facebook's handshake, signatures, dedupe, allowlist, limits, processing. */
let s: TestServer;
let graph: FakeGraph;
let token: string;
let integrationId: number;
let webhookSecret: string;
const LEAD = '1234567890123456';

function leadgen(leadgenId: string, time = Math.floor(Date.now() / 1000)) {
  return { object: 'page', entry: [{ id: FAKE.pageId, time, changes: [{ field: 'leadgen', value: { leadgen_id: leadgenId, page_id: FAKE.pageId, form_id: '444555666', created_time: time } }] }] };
}
function deliver(body: unknown, opts: { secret?: string; ip?: string; raw?: string; to?: number } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', opts.secret ?? FAKE.appSecret).update(raw).digest('hex')}`;
  return s.app.inject({
    method: 'POST',
    url: `/api/webhooks/${opts.to ?? integrationId}`,
    remoteAddress: opts.ip ?? '203.0.113.9',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    payload: raw,
  });
}
async function events() {
  return (await s.call('GET', `/api/integrations/${integrationId}/webhook-events`, { token })).json().items;
}
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met');
}

beforeAll(async () => {
  graph = await startFakeGraph();
  const handlers = new HandlerRegistry().register(createFacebookAdsHandler({ baseUrl: graph.url }));
  s = await createTestServer({ handlers, sync: {}, webhookLimit: { perSecond: 1, burst: 12 } });
  token = (await s.login()).access_token;
  const sub = await createSubAccount(s, token, 'Hooks Co');
  const tpl = await templateIds(s, token);
  const created = await s.call('POST', '/api/integrations', {
    token,
    body: { subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'FB leads', config: { accessToken: FAKE.validToken, adAccountId: FAKE.adAccountId, pageId: FAKE.pageId, appSecret: FAKE.appSecret } },
  });
  integrationId = created.json().id;
  expect(created.json().webhookPath).toBe(`/api/webhooks/${integrationId}`);
  webhookSecret = (await s.call('POST', `/api/integrations/${integrationId}/webhook-secret`, { token })).json().webhookSecret;
});
afterAll(async () => {
  await s?.close();
  await graph?.close();
});

describe('webhooks', () => {
  it('answers Facebook\'s verification handshake only with the integration secret', async () => {
    const ok = await s.app.inject({ method: 'GET', url: `/api/webhooks/${integrationId}?hub.mode=subscribe&hub.verify_token=${webhookSecret}&hub.challenge=8675309` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('8675309');
    const bad = await s.app.inject({ method: 'GET', url: `/api/webhooks/${integrationId}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1` });
    expect(bad.statusCode).toBe(403);
    expect(s.logs.join('\n')).not.toContain(webhookSecret);
  });

  it('stores a verified leadgen event, processes it into a lead record, and dedupes a replay', async () => {
    const first = await deliver(leadgen(LEAD));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const replay = await deliver(leadgen(LEAD));
    expect(replay.json()).toEqual({ received: true, duplicate: true });
    const processed = await until(events, (items) => items.some((e: { status: string }) => e.status === 'processed'));
    expect(processed.filter((e: { verified: boolean }) => e.verified)).toHaveLength(1);
    expect(processed[0]).toMatchObject({ eventId: LEAD, eventType: 'page.leadgen', verified: true, status: 'processed', sourceIp: '203.0.113.9' });
    const records = (await s.call('GET', `/api/integrations/${integrationId}/records?kind=lead`, { token })).json();
    expect(records.totals.lead).toBe(1);
    expect(records.items[0].externalId).toBe(LEAD);
  });

  it('rejects bad signatures (401), and records why', async () => {
    const res = await deliver(leadgen('999'), { secret: 'not-the-app-secret-000000000000' });
    expect(res.statusCode).toBe(401);
    const unsigned = await s.app.inject({ method: 'POST', url: `/api/webhooks/${integrationId}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(leadgen('998')) });
    expect(unsigned.statusCode).toBe(401);
    const items = await events();
    expect(items[0]).toMatchObject({ verified: false, status: 'rejected' });
    expect(items[0].verificationError).toMatch(/X-Hub-Signature-256/);
  });

  it('refuses stale timestamps, oversized bodies and unknown integrations', async () => {
    const old = await deliver(leadgen('997', Math.floor(Date.now() / 1000) - 3 * 86_400));
    expect(old.statusCode).toBe(400);
    expect(old.json().message).toMatch(/replay window/);
    const huge = await deliver(null, { raw: JSON.stringify({ object: 'page', pad: 'x'.repeat(300 * 1024) }) });
    expect(huge.statusCode).toBe(413);
    const unknown = await s.app.inject({ method: 'POST', url: '/api/webhooks/99999', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(unknown.statusCode).toBe(404);
  });

  // Deleting a subaccount removes its integrations without touching their cached webhook targets (and another API
  // process's cache keeps a deleted integration for a few seconds): the insert then finds no integration.
  it('answers 404, not 500, to deliveries for an integration deleted after its target was cached', async () => {
    const sub = await createSubAccount(s, token, 'Gone Co');
    const tpl = await templateIds(s, token);
    const created = await s.call('POST', '/api/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: tpl.FacebookAds, name: 'Soon gone', config: { accessToken: FAKE.validToken, adAccountId: FAKE.adAccountId, pageId: FAKE.pageId, appSecret: FAKE.appSecret } },
    });
    const gone = created.json().id;
    await s.call('POST', `/api/integrations/${gone}/webhook-secret`, { token });
    expect((await deliver(leadgen('70001'), { to: gone })).statusCode).toBe(200);
    expect((await s.call('DELETE', `/api/subaccounts/${sub}?force=true`, { token })).statusCode).toBe(204);

    const signed = await deliver(leadgen('70002'), { to: gone });
    expect(signed.statusCode).toBe(404);
    expect(signed.json().message).toBe('Webhook endpoint not found');
    // A refused delivery is recorded for the delivery log; for a deleted integration there is nothing to record it on.
    const badSignature = await deliver(leadgen('70003'), { to: gone, secret: 'not the app secret' });
    expect(badSignature.statusCode).toBe(404);
    // Found gone once, the target is forgotten: the next delivery does not get as far as the insert.
    expect((await deliver(leadgen('70004'), { to: gone })).statusCode).toBe(404);
    expect(s.logs.join('\n')).not.toMatch(/unhandled error/);
    expect(await s.database.query('select id from webhook_events where integration_id = $1', [gone])).toEqual([]);
    // The other integration's deliveries are untouched.
    expect((await deliver(leadgen('70005'))).statusCode).toBe(200);
  });

  it('refuses a signed body PostgreSQL cannot store (a NUL character) with 400 and its path', async () => {
    const res = await deliver(null, { raw: JSON.stringify({ ...leadgen('990'), note: 'a\u0000b' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ path: '/body/note', message: 'must not contain NUL characters' }]);
    expect((await events())[0]).toMatchObject({ status: 'rejected', verificationError: 'body has a NUL character at /body/note' });
  });

  it('applies the IP allowlist (403) and validates CIDRs', async () => {
    const current = (await s.call('GET', `/api/integrations/${integrationId}`, { token })).json();
    const invalid = await s.call('PUT', `/api/integrations/${integrationId}`, { token, body: { version: current.version, webhookAllowedCidrs: ['10.0.0.0/8', 'nonsense'] } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details).toEqual([{ path: '/body/webhookAllowedCidrs/1', message: '"nonsense" is not an IP address or CIDR range' }]);
    const set = await s.call('PUT', `/api/integrations/${integrationId}`, { token, body: { version: current.version, webhookAllowedCidrs: ['198.51.100.0/24'] } });
    expect(set.json().webhookAllowedCidrs).toEqual(['198.51.100.0/24']);
    expect((await deliver(leadgen('996'), { ip: '203.0.113.9' })).statusCode).toBe(403);
    expect((await deliver(leadgen('995'), { ip: '198.51.100.77' })).statusCode).toBe(200);
    await s.call('PUT', `/api/integrations/${integrationId}`, { token, body: { version: set.json().version, webhookAllowedCidrs: [] } });
  });

  it('rate limits deliveries per integration with 429', async () => {
    let limited = 0;
    for (let i = 0; i < 15; i++) {
      const res = await deliver(leadgen(`80${i}`));
      if (res.statusCode === 429) {
        limited++;
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(limited).toBeGreaterThan(0);
  });
});
