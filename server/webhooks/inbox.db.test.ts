import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubAccount } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import type { Database } from '../db/connect';
import { WebhookInbox, type VerifiedDelivery } from './inbox';

/** Group commit of webhook deliveries against a real database: batching, dedupe, one bad row. */
let s: TestServer;
let database: Database;
let integrationId: number;

beforeAll(async () => {
  // A seeded server only for its database (templates and the first admin exist).
  s = await createTestServer();
  database = s.database;
  const token = (await s.login()).access_token;
  const sub = await createSubAccount(s, token, 'Inbox Co');
  [{ id: integrationId }] = await database.query<{ id: number }>(
    `insert into integrations (sub_account_id, integration_template_id, name, config, created_by_admin_id)
     select $1, t.id, 'Inbox', '{}', (select min(id) from admin_users) from integration_templates t where t.name = 'GoHighLevel' returning id`,
    [sub],
  );
});
afterAll(() => s?.close());

const delivery = (eventId: string | null, over: Partial<VerifiedDelivery> = {}): VerifiedDelivery => ({
  integrationId,
  sourceIp: '203.0.113.1',
  eventId,
  eventType: 'test',
  payload: { eventId },
  ...over,
});

describe('WebhookInbox', () => {
  it('stores each payload exactly as delivered (quotes, backslashes, unicode, nesting, arrays)', async () => {
    const inbox = new WebhookInbox(database, () => {});
    const payloads = [
      { eventId: 'p-1', text: 'say "hi" \\ back\\slash \n newline', emoji: '🦜 ünïcödé', nested: { a: [1, 2.5, null, true, { b: 'x' }] } },
      { eventId: 'p-2', big: 'y'.repeat(50_000), empty: {}, list: [] },
      ['an', 'array', 'body'],
    ];
    const ids = await Promise.all(payloads.map((payload, i) => inbox.store(delivery(`payload-${i}`, { payload }))));
    for (const [i, { id }] of ids.entries()) {
      const [row] = await database.query<{ payload: unknown }>('select payload from webhook_events where id = $1', [id]);
      expect(row.payload).toEqual(payloads[i]);
    }
    await database.query(`delete from webhook_events where event_id like 'payload-%'`);
  });

  it('stores a burst in few statements, tells duplicates (also within one batch) apart, and reports stored ids', async () => {
    const stored: number[][] = [];
    const inbox = new WebhookInbox(database, (ids) => stored.push(ids));
    const first = await inbox.store(delivery('evt-0'));
    expect(first.id).toEqual(expect.any(Number));
    const burst = [
      ...Array.from({ length: 200 }, (_, i) => delivery(`evt-${i}`)), // evt-0 is already stored
      delivery('evt-5'), // a redelivery inside the burst
      delivery(null),
      delivery(null),
    ];
    const results = await Promise.all(burst.map((d) => inbox.store(d)));
    expect(results.filter((r) => r.id === null)).toHaveLength(2);
    expect(results[0].id).toBeNull();
    expect(results[200].id).toBeNull();
    expect(results[5].id).toEqual(expect.any(Number));
    const newIds = results.flatMap((r) => (r.id === null ? [] : [r.id]));
    expect(new Set(newIds).size).toBe(201);
    // Everything after the first delivery went in one write (the burst arrived while nothing was in flight).
    expect(stored.length).toBe(2);
    expect(stored.flat().sort((a, b) => a - b)).toEqual([first.id!, ...newIds].sort((a, b) => a - b));
    const [{ n }] = await database.query<{ n: number }>("select count(*)::int as n from webhook_events where status = 'accepted' and integration_id = $1", [integrationId]);
    expect(n).toBe(202);

    // The batch after a redelivery (written with ON CONFLICT from the start) stores new events and refuses copies alike.
    const later = await Promise.all([delivery('evt-7'), delivery('evt-500'), delivery('evt-501')].map((d) => inbox.store(d)));
    expect(later.map((r) => r.id === null)).toEqual([true, false, false]);
    const [{ m }] = await database.query<{ m: number }>("select count(*)::int as m from webhook_events where integration_id = $1 and event_id in ('evt-7', 'evt-500', 'evt-501')", [integrationId]);
    expect(m).toBe(3);
  });

  it('fails only the delivery that cannot be stored, not its batch neighbours', async () => {
    const inbox = new WebhookInbox(database, () => {});
    const results = await Promise.allSettled([
      inbox.store(delivery('ok-1')),
      inbox.store(delivery('bad', { integrationId: 999_999 })), // no such integration: foreign key violation
      inbox.store(delivery('ok-2')),
      inbox.store(delivery('bad', { integrationId: 999_999 })), // its copy, in the same batch
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    // The copy fails with the first one's own error (the route tells a deleted integration by it).
    for (const r of [results[1], results[3]]) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    const rows = await database.query<{ event_id: string }>("select event_id from webhook_events where event_id in ('ok-1', 'ok-2', 'bad') order by event_id");
    expect(rows.map((r) => r.event_id)).toEqual(['ok-1', 'ok-2']);
  });
});
