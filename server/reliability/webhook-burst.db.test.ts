import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { createWebhookSigner, FAKE_LOCATION_ID } from '../providers/gohighlevel/fake';
import { HandlerRegistry, type IntegrationHandler } from '../providers/registry';

/**
 * A burst of 10,000 signed GoHighLevel webhooks (with the per-integration limit raised), some of them
 * redelivered: every distinct delivery is stored once and ends `processed` exactly once, the processor runs
 * once per delivery, and the contact records count is right.
 */
const DELIVERIES = Number(process.env.RELIABILITY_WEBHOOK_BURST ?? 10_000);
const CONTACTS = Math.ceil(DELIVERIES / 4);
const REDELIVERED = Math.ceil(DELIVERIES / 20);

let s: TestServer;
let integrationId: number;
const signer = createWebhookSigner();
const processedCalls = new Map<string, number>();

beforeAll(async () => {
  const ghl = createGoHighLevelHandler({ webhookPublicKey: signer.publicKeyPem, webhookLegacyPublicKey: signer.legacyPublicKeyPem });
  const counting: IntegrationHandler = {
    ...ghl,
    async processWebhook(payload, config, ctx) {
      const id = (payload as { webhookId: string }).webhookId;
      processedCalls.set(id, (processedCalls.get(id) ?? 0) + 1);
      return ghl.processWebhook!(payload, config, ctx);
    },
  };
  s = await createTestServer({ handlers: new HandlerRegistry().register(counting), sync: { concurrency: 1 }, webhookLimit: { perSecond: 100_000, burst: 1_000_000 } });
  const token = (await s.login()).access_token;
  const sub = await createSubAccount(s, token, 'Burst Co');
  const tpl = (await templateIds(s, token)).GoHighLevel;
  const res = await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: tpl, name: 'Burst', config: { apiKey: 'pit-burst-0000000001', locationId: FAKE_LOCATION_ID } } });
  integrationId = res.json().id;
});
afterAll(() => s?.close());

function delivery(i: number) {
  const body = JSON.stringify({
    type: i % 3 === 0 ? 'ContactUpdate' : 'ContactCreate',
    locationId: FAKE_LOCATION_ID,
    id: `CntBurst${String(i % CONTACTS).padStart(6, '0')}`,
    firstName: `N${i}`,
    webhookId: `wh_burst_${i}`,
    timestamp: new Date().toISOString(),
  });
  return { body, signature: signer.signEd25519(body) };
}

describe('webhook burst', () => {
  it(`accepts ${DELIVERIES} deliveries, loses none and processes each exactly once`, { timeout: 600_000 }, async () => {
    const prepared = Array.from({ length: DELIVERIES }, (_, i) => delivery(i));
    // Redeliveries of earlier events (same webhookId) arrive within the burst.
    const sends = [...prepared, ...prepared.slice(0, REDELIVERED)];
    const statuses = new Map<number, number>();
    let duplicates = 0;
    const CONCURRENCY = 16;
    for (let i = 0; i < sends.length; i += CONCURRENCY) {
      const results = await Promise.all(
        sends.slice(i, i + CONCURRENCY).map((d) =>
          s.app.inject({ method: 'POST', url: `/api/webhooks/${integrationId}`, headers: { 'content-type': 'application/json', 'x-ghl-signature': d.signature }, payload: d.body }),
        ),
      );
      for (const r of results) {
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        if (r.statusCode === 200 && r.json().duplicate) duplicates++;
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({ 200: DELIVERIES + REDELIVERED });
    expect(duplicates).toBe(REDELIVERED);

    // Every stored delivery gets processed by the workers (the scheduler sweep re-queues any lost job).
    const deadline = Date.now() + 400_000;
    for (;;) {
      const [{ pending }] = await s.database.query<{ pending: number }>("select count(*)::int as pending from webhook_events where status = 'accepted'");
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} deliveries still unprocessed`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const rows = await s.database.query<{ status: string; n: number; ids: number }>(
      'select status, count(*)::int as n, count(distinct event_id)::int as ids from webhook_events where integration_id = $1 group by status',
      [integrationId],
    );
    expect(rows).toEqual([{ status: 'processed', n: DELIVERIES, ids: DELIVERIES }]);
    expect(processedCalls.size).toBe(DELIVERIES);
    expect([...processedCalls.values()].every((n) => n === 1)).toBe(true);
    const [{ records, distinct }] = await s.database.query<{ records: number; distinct: number }>(
      "select count(*)::int as records, count(distinct external_id)::int as distinct from sync_records where integration_id = $1 and kind = 'contact'",
      [integrationId],
    );
    expect(records).toBe(CONTACTS);
    expect(distinct).toBe(CONTACTS);
  });
});
