import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../registry';
import { FAKE, startFakeGraph, type FakeGraph } from './fake/fake-graph';
import { fakeConfig, syncContext } from './fake/test-support';
import { createFacebookAdsHandler } from './handler';

const WEBHOOK_SECRET = 'whsec-this-integration-0001';
const LEAD_ID = '1234567890123456';

function leadgenPayload(changes: { leadgenId: string; pageId?: string }[], time = 1_717_000_000) {
  return {
    object: 'page',
    entry: [
      {
        id: changes[0]?.pageId ?? FAKE.pageId,
        time,
        changes: changes.map((c) => ({
          field: 'leadgen',
          value: { ad_id: '120200000000001', form_id: '444555666', leadgen_id: c.leadgenId, created_time: time - 1, page_id: c.pageId ?? FAKE.pageId, adgroup_id: '120200000000001' },
        })),
      },
    ],
  };
}

function signed(body: unknown, secret: string = FAKE.appSecret, headerName = 'x-hub-signature-256'): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { rawBody, headers: { [headerName]: `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}` }, query: {} };
}

describe('webhookHandshake (GET verification)', () => {
  const handler = createFacebookAdsHandler();
  const query = (over: Record<string, string | undefined> = {}) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': WEBHOOK_SECRET, 'hub.challenge': '1158201444', ...over });

  it('echoes the challenge when the verify token is the integration secret', () => {
    expect(handler.webhookHandshake!(query(), WEBHOOK_SECRET)).toBe('1158201444');
  });

  it('refuses a wrong or missing token, another mode, or a missing challenge', () => {
    expect(handler.webhookHandshake!(query({ 'hub.verify_token': 'guess' }), WEBHOOK_SECRET)).toBeNull();
    expect(handler.webhookHandshake!(query({ 'hub.verify_token': `${WEBHOOK_SECRET}x` }), WEBHOOK_SECRET)).toBeNull();
    expect(handler.webhookHandshake!(query({ 'hub.verify_token': undefined }), WEBHOOK_SECRET)).toBeNull();
    expect(handler.webhookHandshake!(query({ 'hub.mode': 'unsubscribe' }), WEBHOOK_SECRET)).toBeNull();
    expect(handler.webhookHandshake!(query({ 'hub.challenge': undefined }), WEBHOOK_SECRET)).toBeNull();
    expect(handler.webhookHandshake!(query({ 'hub.verify_token': '' }), '')).toBeNull();
  });

  it('does not reflect markup as the challenge', () => {
    expect(handler.webhookHandshake!(query({ 'hub.challenge': '<script>alert(1)</script>' }), WEBHOOK_SECRET)).toBeNull();
  });
});

describe('verifyWebhook (X-Hub-Signature-256)', () => {
  const handler = createFacebookAdsHandler();
  const config = fakeConfig({ appSecret: FAKE.appSecret });

  it('accepts a body signed with the App Secret and describes the event', () => {
    const payload = leadgenPayload([{ leadgenId: LEAD_ID }]);
    const v = handler.verifyWebhook!(signed(payload), config, WEBHOOK_SECRET);
    // The parsed body comes back too, so the route does not parse it again.
    expect(v).toEqual({ ok: true, replayWindowMs: 48 * 3600_000, eventId: LEAD_ID, timestamp: new Date(1_717_000_000 * 1000), eventType: 'page.leadgen', payload: JSON.parse(JSON.stringify(payload)) });
  });

  it('matches the header name case-insensitively', () => {
    const v = handler.verifyWebhook!(signed(leadgenPayload([{ leadgenId: LEAD_ID }]), FAKE.appSecret, 'X-Hub-Signature-256'), config, WEBHOOK_SECRET);
    expect(v.ok).toBe(true);
  });

  it('gives a batched delivery a stable id, whatever the order of its changes', () => {
    const a = handler.verifyWebhook!(signed(leadgenPayload([{ leadgenId: '111' }, { leadgenId: '222' }])), config, WEBHOOK_SECRET);
    const b = handler.verifyWebhook!(signed(leadgenPayload([{ leadgenId: '222' }, { leadgenId: '111' }])), config, WEBHOOK_SECRET);
    expect(a.eventId).toMatch(/^batch:[0-9a-f]{40}$/);
    expect(a.eventId).toBe(b.eventId);
  });

  it('rejects a signature made with another secret, or a body changed after signing', () => {
    const wrong = handler.verifyWebhook!(signed(leadgenPayload([{ leadgenId: LEAD_ID }]), 'another-app-secret-000000000000'), config, WEBHOOK_SECRET);
    expect(wrong).toEqual({ ok: false, reason: 'X-Hub-Signature-256 does not match the body (wrong App Secret, or the body was altered)' });

    const req = signed(leadgenPayload([{ leadgenId: LEAD_ID }]));
    const tampered = { ...req, rawBody: Buffer.from(req.rawBody.toString().replace(LEAD_ID, '6666666666666666')) };
    expect(handler.verifyWebhook!(tampered, config, WEBHOOK_SECRET).ok).toBe(false);
  });

  it('rejects a missing or malformed header, and the sha1 header alone', () => {
    const body = Buffer.from('{}');
    expect(handler.verifyWebhook!({ rawBody: body, headers: {}, query: {} }, config, WEBHOOK_SECRET)).toEqual({ ok: false, reason: 'X-Hub-Signature-256 header is missing' });
    expect(handler.verifyWebhook!({ rawBody: body, headers: { 'x-hub-signature-256': 'sha256=abc' }, query: {} }, config, WEBHOOK_SECRET).reason).toMatch(/not of the form/);
    const sha1 = `sha1=${createHmac('sha1', FAKE.appSecret).update(body).digest('hex')}`;
    expect(handler.verifyWebhook!({ rawBody: body, headers: { 'x-hub-signature': sha1 }, query: {} }, config, WEBHOOK_SECRET).ok).toBe(false);
  });

  it('refuses every delivery while no appSecret is configured', () => {
    const v = handler.verifyWebhook!(signed(leadgenPayload([{ leadgenId: LEAD_ID }])), fakeConfig(), WEBHOOK_SECRET);
    expect(v).toEqual({ ok: false, reason: 'appSecret is not configured' });
  });

  it('does not verify against the integration webhook secret', () => {
    const v = handler.verifyWebhook!(signed(leadgenPayload([{ leadgenId: LEAD_ID }]), WEBHOOK_SECRET), config, WEBHOOK_SECRET);
    expect(v.ok).toBe(false);
  });
});

describe('processWebhook (leadgen)', () => {
  let fake: FakeGraph;
  beforeEach(async () => {
    fake = await startFakeGraph();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('reads the announced lead from Graph and stores it', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const ctx = syncContext();
    await handler.processWebhook!(leadgenPayload([{ leadgenId: LEAD_ID }]), fakeConfig({ pageId: FAKE.pageId }), ctx);

    expect(fake.state.requests).toHaveLength(1);
    expect(fake.state.requests[0]).toMatchObject({ path: `/v27.0/${LEAD_ID}`, query: { fields: 'id,created_time,field_data,form_id,ad_id,campaign_id' }, tokenVia: 'header' });
    expect(ctx.of('lead')).toEqual([
      {
        kind: 'lead',
        externalId: LEAD_ID,
        data: {
          id: LEAD_ID,
          created_time: '2024-05-01T10:00:00+0000',
          field_data: [
            { name: 'full_name', values: ['Ada Lovelace'] },
            { name: 'email', values: ['ada@example.com'] },
            { name: 'interests', values: ['engines', 'poetry'] },
          ],
          form_id: '444555666',
          ad_id: '120200000000001',
          campaign_id: expect.any(String),
          page_id: FAKE.pageId,
          answers: { full_name: 'Ada Lovelace', email: 'ada@example.com', interests: ['engines', 'poetry'] },
        },
      },
    ]);
  });

  it('ignores leads of another Page and other change fields', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const ctx = syncContext();
    await handler.processWebhook!(leadgenPayload([{ leadgenId: LEAD_ID, pageId: '777' }]), fakeConfig({ pageId: FAKE.pageId }), ctx);
    await handler.processWebhook!({ object: 'page', entry: [{ id: FAKE.pageId, time: 1, changes: [{ field: 'feed', value: { item: 'post' } }] }] }, fakeConfig(), ctx);
    expect(fake.state.requests).toHaveLength(0);
    expect(ctx.batches).toEqual([]);
  });

  it('fails with no_access when the token lacks leads_retrieval', async () => {
    fake.state.tokens[FAKE.validToken].scopes = ['ads_read'];
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const err = await handler.processWebhook!(leadgenPayload([{ leadgenId: LEAD_ID }]), fakeConfig(), syncContext()).catch((e) => e);
    expect(err).toMatchObject({ type: 'no_access', retryable: false });
    expect(err.message).toContain(`lead ${LEAD_ID}`);
  });

  it('refuses a lead id that is not a Graph id instead of building a path from it', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url });
    const err = await handler.processWebhook!(leadgenPayload([{ leadgenId: '../me' }]), fakeConfig(), syncContext()).catch((e) => e);
    expect(err).toMatchObject({ type: 'bad_response' });
    expect(fake.state.requests).toHaveLength(0);
  });
});
