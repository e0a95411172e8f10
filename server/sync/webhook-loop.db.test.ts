import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createLogger } from '../logging';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { createWebhookSigner, FAKE_LOCATION_ID } from '../providers/gohighlevel/fake';
import { HandlerRegistry, type IntegrationHandler } from '../providers/registry';
import { WebhookEventLoop } from './webhook-loop';

/**
 * The events table is the worker's queue: events stored while no worker runs (or by another process, so no
 * wake-up) are applied by whichever worker looks next, oldest first, each exactly once even with two workers,
 * and an event another live worker has claimed is left to it until its lease runs out.
 */
let s: TestServer;
let integrationId: number;
const signer = createWebhookSigner();
const applied: string[] = [];

beforeAll(async () => {
  const ghl = createGoHighLevelHandler({ webhookPublicKey: signer.publicKeyPem, webhookLegacyPublicKey: signer.legacyPublicKeyPem });
  const recording: IntegrationHandler = {
    ...ghl,
    async processWebhook(payload, config, ctx) {
      applied.push((payload as { webhookId: string }).webhookId);
      return ghl.processWebhook!(payload, config, ctx);
    },
  };
  // No sync engine: nothing processes what the route stores until the loops below start.
  s = await createTestServer({ handlers: new HandlerRegistry().register(recording), webhookLimit: { perSecond: 100_000, burst: 1_000_000 } });
  const token = (await s.login()).access_token;
  const sub = await createSubAccount(s, token, 'Queue Co');
  const tpl = (await templateIds(s, token)).GoHighLevel;
  const res = await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: tpl, name: 'Queue', config: { apiKey: 'pit-queue-00000000001', locationId: FAKE_LOCATION_ID } } });
  integrationId = res.json().id;
});
afterAll(() => s?.close());

async function deliver(i: number) {
  const body = JSON.stringify({ type: 'ContactCreate', locationId: FAKE_LOCATION_ID, id: `CntQueue${String(i).padStart(4, '0')}`, firstName: `N${i}`, webhookId: `wh_queue_${i}`, timestamp: new Date().toISOString() });
  const r = await s.app.inject({ method: 'POST', url: `/api/webhooks/${integrationId}`, headers: { 'content-type': 'application/json', 'x-ghl-signature': signer.signEd25519(body) }, payload: body });
  expect(r.statusCode).toBe(200);
}

const statusOf = async (webhookId: string) =>
  (await s.database.query<{ status: string }>(`select status from webhook_events where payload->>'webhookId' = $1`, [webhookId]))[0]?.status;

describe('webhook event loop', () => {
  it('applies events stored while no worker ran, oldest first, each once with two workers, leaving live claims alone', { timeout: 60_000 }, async () => {
    const N = 300;
    for (let i = 0; i < N; i += 20) await Promise.all(Array.from({ length: Math.min(20, N - i) }, (_, k) => deliver(i + k)));
    await deliver(N); // taken by a worker that is still at it
    await deliver(N + 1); // taken by a worker that died 10 minutes ago
    await s.database.query(`update webhook_events set claimed_at = now() where payload->>'webhookId' = 'wh_queue_${N}'`);
    await s.database.query(`update webhook_events set claimed_at = now() - interval '10 minutes' where payload->>'webhookId' = 'wh_queue_${N + 1}'`);
    expect(applied).toEqual([]);

    const log = createLogger({ level: 'silent' });
    const loops = [new WebhookEventLoop(s.ctx, log, { batch: 25, pollMs: 50 }), new WebhookEventLoop(s.ctx, log, { batch: 25, pollMs: 50 })];
    loops.forEach((l) => l.start());
    try {
      await expect.poll(async () => (await s.database.query<{ n: number }>(`select count(*)::int n from webhook_events where status = 'accepted'`))[0].n, { timeout: 30_000, interval: 50 }).toBe(1);
    } finally {
      await Promise.all(loops.map((l) => l.stop()));
    }
    expect(applied).toHaveLength(N + 1);
    expect(new Set(applied).size).toBe(N + 1);
    expect(await statusOf(`wh_queue_${N}`)).toBe('accepted');
    expect(await statusOf(`wh_queue_${N + 1}`)).toBe('processed');
    // Oldest first within each worker's batches: the first events applied are the first stored.
    expect(applied.slice(0, 10).every((id) => Number(id.split('_')[2]) < 60)).toBe(true);
    const [{ n }] = await s.database.query<{ n: number }>(`select count(*)::int n from sync_records where integration_id = $1`, [integrationId]);
    expect(n).toBe(N + 1);
  });

  it('looks at once when woken, without waiting for its poll', { timeout: 30_000 }, async () => {
    const loop = new WebhookEventLoop(s.ctx, createLogger({ level: 'silent' }), { pollMs: 60_000 });
    loop.start();
    try {
      await new Promise((r) => setTimeout(r, 100)); // the first pass found nothing; now it waits a minute
      await deliver(1000);
      loop.wake();
      await expect.poll(() => statusOf('wh_queue_1000'), { timeout: 5_000, interval: 20 }).toBe('processed');
    } finally {
      await loop.stop();
    }
  });
});
