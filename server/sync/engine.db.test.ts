import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createGoogleAnalyticsHandler } from '../providers/google-analytics';
import { startFakeGoogle, type FakeGoogle } from '../providers/google-analytics/fake/fake-google';
import { createTestServiceAccount } from '../providers/google-analytics/fake/service-account-keys';
import { HandlerRegistry } from '../providers/registry';

/** The sync engine end to end: API → pg-boss → worker → the real GA handler → the fake Google → records. */
let s: TestServer;
let fake: FakeGoogle;
let token: string;
let sub: number;
let gaTemplate: number;
const account = createTestServiceAccount();
const PROPERTY = '424242';

async function waitForRun(runId: number, done = (r: { status: string }) => ['succeeded', 'failed', 'partial'].includes(r.status)) {
  for (let i = 0; i < 300; i++) {
    const run = (await s.call('GET', `/api/sync-runs/${runId}`, { token })).json();
    if (done(run)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

/**
 * Runs `fn` with a trigger on `table` whose PL/pgSQL `body` stands in for another transaction's delete landing at
 * that moment; the trigger and its function are dropped after, whatever `fn` did.
 */
async function withTrigger(name: string, when: 'before insert' | 'after insert', table: string, each: 'row' | 'statement', body: string, fn: () => Promise<void>) {
  await s.database.query(`create function ${name}() returns trigger language plpgsql as $$ begin ${body} end $$`);
  await s.database.query(`create trigger ${name} ${when} on ${table} for each ${each} execute function ${name}()`);
  try {
    await fn();
  } finally {
    await s.database.query(`drop trigger ${name} on ${table}`);
    await s.database.query(`drop function ${name}()`);
  }
}

/** An integration named "Vanishing" is deleted just before a sync run for it is inserted. */
const whileVanishingBeforeItsRun = (fn: () => Promise<void>) =>
  withTrigger('vanish_before_run', 'before insert', 'sync_runs', 'row', `delete from integrations where id = new.integration_id and name = 'Vanishing'; return new;`, fn);

async function createGa(name: string, propertyId = PROPERTY) {
  const res = await s.call('POST', '/api/integrations', {
    token,
    body: { subAccountId: sub, integrationTemplateId: gaTemplate, name, config: { serviceAccountKey: account.keyFile, propertyId } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  fake = await startFakeGoogle();
  fake.registerServiceAccount(account.email, account.publicKey);
  fake.addProperty(PROPERTY, { days: 120 });
  fake.grantAccess(PROPERTY, account.email);
  fake.addProperty('777', { days: 10 });
  const handlers = new HandlerRegistry().register(
    createGoogleAnalyticsHandler({ tokenUrl: fake.tokenUrl, dataBaseUrl: fake.dataBaseUrl, pageSize: 10, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxHintMs: 1 } }),
  );
  s = await createTestServer({ handlers, sync: { retryBaseMs: 50, retryMaxMs: 200, pauseAfterFailures: 2, staleAfterMs: 1000, heartbeatMs: 50 } });
  token = (await s.login()).access_token;
  sub = await createSubAccount(s, token, 'Sync Co');
  gaTemplate = (await templateIds(s, token)).GoogleAnalytics;
});
afterAll(async () => {
  await s?.close();
  await fake?.close();
});

describe('sync engine', () => {
  it('syncs through the job queue, stores records once, and marks the integration active', async () => {
    const ga = await createGa('GA main');
    const requested = await s.call('POST', `/api/integrations/${ga.id}/sync`, { token });
    expect(requested.statusCode).toBe(202);
    expect(requested.json()).toMatchObject({ status: 'queued', alreadyRunning: false });
    const run = await waitForRun(requested.json().syncRunId);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual', attempts: 1, error: null });
    expect(run.counts.daily_metrics).toEqual({ fetched: 31, created: 31, updated: 0 });

    const records = (await s.call('GET', `/api/integrations/${ga.id}/records?kind=daily_metrics&limit=5`, { token })).json();
    expect(records.totals).toEqual({ daily_metrics: 31 });
    expect(records.items).toHaveLength(5);
    expect(records.items[0].data).toMatchObject({ sessions: expect.any(Number), activeUsers: expect.any(Number) });
    const integration = (await s.call('GET', `/api/integrations/${ga.id}`, { token })).json();
    expect(integration).toMatchObject({ status: 'active', errorMessage: null });
    expect(integration.lastSyncAt).not.toBeNull();

    // A second run fetches only since the last success and duplicates nothing.
    const again = await s.call('POST', `/api/integrations/${ga.id}/sync`, { token });
    const second = await waitForRun(again.json().syncRunId);
    expect(second.status).toBe('succeeded');
    expect(second.counts.daily_metrics.created).toBe(0);
    const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int as n from sync_records where integration_id = $1', [ga.id]);
    expect(n).toBe(31);
    const history = (await s.call('GET', `/api/integrations/${ga.id}/sync-runs`, { token })).json();
    expect(history.items.map((r: { id: number }) => r.id)).toEqual([second.id, run.id]);
  });

  it('returns the running sync to a second request', async () => {
    const ga = await createGa('GA busy');
    fake.state.faults.delayMs = 300;
    try {
      const first = (await s.call('POST', `/api/integrations/${ga.id}/sync`, { token })).json();
      const second = (await s.call('POST', `/api/integrations/${ga.id}/sync`, { token })).json();
      expect(second).toMatchObject({ syncRunId: first.syncRunId, alreadyRunning: true });
      await waitForRun(first.syncRunId);
    } finally {
      fake.state.faults.delayMs = 0;
    }
  });

  it('retries retryable failures with backoff, then succeeds', async () => {
    const ga = await createGa('GA throttled');
    fake.state.faults.rateLimited = 2;
    const { syncRunId } = (await s.call('POST', `/api/integrations/${ga.id}/sync`, { token })).json();
    const run = await waitForRun(syncRunId);
    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(3);
  });

  it('does not retry rejected access; fails, counts failures, and pauses scheduled syncs', async () => {
    const ga = await createGa('GA no access', '777');
    for (let i = 0; i < 2; i++) {
      const { syncRunId } = (await s.call('POST', `/api/integrations/${ga.id}/sync`, { token })).json();
      const run = await waitForRun(syncRunId);
      expect(run).toMatchObject({ status: 'failed', attempts: 1, error: { origin: 'config', type: 'no_access', retryable: false } });
      expect(run.error.message).toContain(account.email);
    }
    const [row] = await s.database.query<{ status: string; consecutive_failures: number; sync_paused_reason: string }>(
      'select status, consecutive_failures, sync_paused_reason from integrations where id = $1',
      [ga.id],
    );
    expect(row).toMatchObject({ status: 'error', consecutive_failures: 2 });
    expect(row.sync_paused_reason).toMatch(/paused after 2 failed syncs/);
    // Paused integrations are not scheduled even when active.
    await s.call('POST', `/api/integrations/${ga.id}/activate`, { token });
    await s.database.query('update integrations set next_sync_at = null where id = $1', [ga.id]);
    await s.ctx.sync!.schedulerTick();
    const runs = (await s.call('GET', `/api/integrations/${ga.id}/sync-runs`, { token })).json();
    expect(runs.items.every((r: { trigger: string }) => r.trigger === 'manual')).toBe(true);
  });

  it('schedules due active integrations', async () => {
    const ga = await createGa('GA scheduled');
    await s.call('POST', `/api/integrations/${ga.id}/activate`, { token });
    const { scheduled } = await s.ctx.sync!.schedulerTick();
    expect(scheduled).toBeGreaterThanOrEqual(1);
    const runs = (await s.call('GET', `/api/integrations/${ga.id}/sync-runs`, { token })).json();
    expect(runs.items[0].trigger).toBe('schedule');
    await waitForRun(runs.items[0].id);
    const [row] = await s.database.query<{ next_sync_at: Date }>('select next_sync_at from integrations where id = $1', [ga.id]);
    expect(new Date(row.next_sync_at).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it('resumes a run whose worker died, without duplicating records', async () => {
    const ga = await createGa('GA orphan');
    // What a worker that died mid-sync leaves behind: a running run with a stale heartbeat and part of the data.
    const [run] = await s.database.query<{ id: number }>(
      `insert into sync_runs (integration_id, trigger, status, started_at, heartbeat_at, attempts) values ($1, 'manual', 'running', now() - interval '1 minute', now() - interval '1 minute', 1) returning id`,
      [ga.id],
    );
    await s.database.query(
      `insert into sync_records (integration_id, kind, external_id, data, last_sync_run_id)
       select $1, 'daily_metrics', to_char(current_date - g, 'YYYYMMDD'), '{}'::jsonb, $2 from generate_series(0, 9) g`,
      [ga.id, run.id],
    );
    const { resumed } = await s.ctx.sync!.schedulerTick();
    expect(resumed).toBeGreaterThanOrEqual(1);
    const done = await waitForRun(run.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [{ n, distinct }] = await s.database.query<{ n: number; distinct: number }>(
      'select count(*)::int as n, count(distinct external_id)::int as distinct from sync_records where integration_id = $1',
      [ga.id],
    );
    expect(n).toBe(31);
    expect(distinct).toBe(31);
  });

  it('answers 422 for a template without a sync handler, 404 outside the caller scope', async () => {
    const custom = (await s.call('POST', '/api/integration-templates', { token, body: { name: 'NoSync', displayName: 'No Sync', category: 'X', configSchema: { type: 'object' } } })).json();
    const i = (await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: custom.id, name: 'n', config: {} } })).json();
    const res = await s.call('POST', `/api/integrations/${i.id}/sync`, { token });
    expect(res.statusCode).toBe(422);
    expect((await s.call('POST', '/api/integrations/999999/sync', { token })).statusCode).toBe(404);
    expect((await s.call('GET', '/api/sync-runs/999999', { token })).statusCode).toBe(404);
  });

  // The integration is deleted while its sync runs: a trigger deletes it (and, by cascade, its run and records)
  // right after the first page of records is stored, as another admin's delete would land between two pages.
  it('ends cleanly when the integration is deleted while its sync runs: no orphan records, the worker carries on', async () => {
    const doomed = await createGa('Deleted mid-sync');
    await withTrigger('delete_mid_sync', 'after insert', 'sync_records', 'statement', `delete from integrations where name = 'Deleted mid-sync'; return null;`, async () => {
      const requested = await s.call('POST', `/api/integrations/${doomed.id}/sync`, { token });
      expect(requested.statusCode).toBe(202);
      const runId = requested.json().syncRunId;
      // The run goes with its integration: wait until it is gone and no worker is still on it.
      for (let i = 0; i < 100; i++) {
        const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int n from sync_runs where id = $1', [runId]);
        if (n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.database.query('select id from sync_records where integration_id = $1', [doomed.id])).toEqual([]);
    expect((await s.call('GET', `/api/integrations/${doomed.id}`, { token })).statusCode).toBe(404);
    // The same worker syncs the next integration normally.
    const next = await createGa('After the delete');
    const run = await waitForRun((await s.call('POST', `/api/integrations/${next.id}/sync`, { token })).json().syncRunId);
    expect(run.status).toBe('succeeded');
    expect(s.logs.join('\n')).not.toMatch(/unhandled error/);
  });

  it('keeps scheduling the rest when a due integration is deleted during the tick', async () => {
    const gone = await createGa('Vanishing');
    const kept = await createGa('GA kept');
    for (const i of [gone, kept]) await s.call('POST', `/api/integrations/${i.id}/activate`, { token });
    await whileVanishingBeforeItsRun(async () => {
      await s.ctx.sync!.schedulerTick();
    });
    const runs = (await s.call('GET', `/api/integrations/${kept.id}/sync-runs`, { token })).json();
    expect(runs.items[0]?.trigger).toBe('schedule');
    await waitForRun(runs.items[0].id);
    await s.call('DELETE', `/api/integrations/${gone.id}`, { token });
  });

  // Another admin deletes the integration (or its subaccount) between the route's check and the insert of the run.
  // A trigger stands in for that other transaction, deleting the integration just before the run is inserted.
  it('answers 409, not 500, when the integration is deleted while its sync is being requested', async () => {
    const ga = await createGa('Vanishing');
    await whileVanishingBeforeItsRun(async () => {
      const res = await s.call('POST', `/api/integrations/${ga.id}/sync`, { token });
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().message).toMatch(/no longer exists/);
      expect(s.logs.join('\n')).not.toMatch(/unhandled error/);
    });
  });
});
