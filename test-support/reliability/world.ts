/**
 * A small populated API for the reliability suite: two subaccounts (A, B), an admin limited to A, a GoHighLevel
 * integration in each (with a finished sync run, synced records and a processed webhook delivery), a custom
 * template, and the real GoHighLevel handler against the loopback fake.
 */
import { createAdminSession, createGhlIntegration, createSubAccount, templateIds } from '../fixtures';
import { createTestServer, type TestServer, type TestServerOptions } from '../server';
import { HandlerRegistry } from '../../server/providers/registry';
import { createGoHighLevelHandler } from '../../server/providers/gohighlevel';
import { createWebhookSigner, FAKE_LOCATION_ID, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl, type WebhookSigner } from '../../server/providers/gohighlevel/fake';
import type { Database } from '../../server/db/connect';

export interface World {
  s: TestServer;
  ghl: FakeGhl;
  signer: WebhookSigner;
  superToken: string;
  admin: { id: number; token: string };
  subA: number;
  subB: number;
  ghlTemplateId: number;
  customTemplateId: number;
  /** Per subaccount: an integration, one of its sync runs, a record and a webhook event. */
  a: Owned;
  b: Owned;
  close(): Promise<void>;
}

export interface Owned {
  integrationId: number;
  syncRunId: number;
  recordId: number;
  webhookEventId: number;
}

export async function createWorld(opts: TestServerOptions = {}): Promise<World> {
  const ghl = await startFakeGhl();
  const signer = createWebhookSigner();
  const handlers =
    opts.handlers ??
    new HandlerRegistry().register(
      createGoHighLevelHandler({ baseUrl: ghl.url, webhookPublicKey: signer.publicKeyPem, webhookLegacyPublicKey: signer.legacyPublicKeyPem, timeoutMs: 2_000, maxTransientRetries: 0, maxRateLimitRetries: 0 }),
    );
  const s = await createTestServer({ ...opts, handlers });
  const superToken = (await s.login()).access_token;
  const subA = await createSubAccount(s, superToken, 'Alpha Fuzz');
  const subB = await createSubAccount(s, superToken, 'Beta Fuzz');
  const admin = await createAdminSession(s, superToken, 'alpha-admin@loctelli.test', [subA]);
  const tpl = await templateIds(s, superToken);
  const custom = await s.call('POST', '/api/integration-templates', {
    token: superToken,
    body: { name: 'FuzzCustom', displayName: 'Fuzz Custom', category: 'Other', configSchema: { type: 'object', properties: { url: { type: 'string' } }, additionalProperties: false } },
  });
  if (custom.statusCode !== 201) throw new Error(custom.body);
  const owned = async (sub: number, name: string): Promise<Owned> => {
    const i = await createGhlIntegration(s, superToken, sub, tpl.GoHighLevel, name, { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID });
    return seedActivity(s.database, i.id);
  };
  const a = await owned(subA, 'Alpha GHL');
  const b = await owned(subB, 'Beta GHL');
  return {
    s, ghl, signer, superToken, admin, subA, subB, ghlTemplateId: tpl.GoHighLevel, customTemplateId: custom.json().id, a, b,
    async close() {
      await s.close();
      await ghl.close();
    },
  };
}

/** A finished sync run, one record and one processed webhook event, as a real sync and delivery leave them. */
export async function seedActivity(database: Database, integrationId: number): Promise<Owned> {
  const [run] = await database.query<{ id: number }>(
    `insert into sync_runs (integration_id, trigger, status, started_at, finished_at, attempts, counts) values ($1, 'manual', 'succeeded', now(), now(), 1, '{"contact":{"fetched":1,"created":1,"updated":0}}') returning id`,
    [integrationId],
  );
  const [rec] = await database.query<{ id: number }>(
    `insert into sync_records (integration_id, kind, external_id, data, last_sync_run_id) values ($1, 'contact', $3, '{"firstName":"Ann"}', $2) returning id`,
    [integrationId, run.id, `c-${integrationId}`],
  );
  const [ev] = await database.query<{ id: number }>(
    `insert into webhook_events (integration_id, source_ip, verified, status, event_id, event_type, payload, processed_at) values ($1, '203.0.113.1', true, 'processed', $2, 'ContactCreate', '{}', now()) returning id`,
    [integrationId, `ev-${integrationId}`],
  );
  return { integrationId, syncRunId: run.id, recordId: rec.id, webhookEventId: ev.id };
}

/** Real ids for an operation's path parameters, from one subaccount's resources. */
export function idsFor(path: string, w: World, o: Owned): Record<string, number> {
  if (path.startsWith('/api/subaccounts/')) return { id: o === w.a ? w.subA : w.subB };
  if (path.startsWith('/api/admins/')) return { id: w.admin.id };
  if (path.startsWith('/api/integration-templates/')) return { id: w.customTemplateId };
  if (path.startsWith('/api/sync-runs/')) return { id: o.syncRunId };
  return { id: o.integrationId, integrationId: o.integrationId };
}
