import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl } from '../providers/gohighlevel/fake';
import { RateLimiterRegistry } from '../providers/gohighlevel/rate-limiter';
import { HandlerRegistry } from '../providers/registry';

/**
 * Upstream faults through the whole path: API → pg-boss → worker → the real GoHighLevel handler → the loopback
 * fake answering 500s, 429 with Retry-After, slow responses past the client timeout and truncated JSON. Each run
 * ends retried or failed with the right structured error, and the integration's status and message follow.
 */
let s: TestServer;
let ghl: FakeGhl;
let token: string;
let sub: number;
let tpl: number;
const MAX_ATTEMPTS = 2;

beforeAll(async () => {
  ghl = await startFakeGhl({ locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts: 120, calendars: 1, eventsPerCalendar: 3 }] });
  const handlers = new HandlerRegistry().register(
    createGoHighLevelHandler({ baseUrl: ghl.url, timeoutMs: 400, maxTransientRetries: 0, maxRateLimitRetries: 0, limiters: new RateLimiterRegistry() }),
  );
  s = await createTestServer({ handlers, sync: { maxAttempts: MAX_ATTEMPTS, retryBaseMs: 50, retryMaxMs: 200, heartbeatMs: 50, pauseAfterFailures: 100 } });
  token = (await s.login()).access_token;
  sub = await createSubAccount(s, token, 'Faulty Co');
  tpl = (await templateIds(s, token)).GoHighLevel;
});
afterAll(async () => {
  await s?.close();
  await ghl?.close();
});

async function freshIntegration(name: string): Promise<number> {
  const res = await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: tpl, name, config: { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID } } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function syncToEnd(integrationId: number) {
  const requested = await s.call('POST', `/api/integrations/${integrationId}/sync`, { token });
  expect(requested.statusCode, requested.body).toBe(202);
  const id = requested.json().syncRunId;
  for (let i = 0; i < 400; i++) {
    const run = (await s.call('GET', `/api/sync-runs/${id}`, { token })).json();
    if (['succeeded', 'failed', 'partial'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} did not finish`);
}

async function integration(id: number) {
  return (await s.call('GET', `/api/integrations/${id}`, { token })).json();
}

function resetFaults() {
  Object.assign(ghl.state.faults, { truncatedJson: 0, serverError: 0, rateLimited: 0, retryAfterSeconds: 1, delayMs: 0, delayCount: 0 });
}

describe('upstream faults through the sync engine', () => {
  it.each([
    ['500 on every request', () => (ghl.state.faults.serverError = Infinity), { origin: 'provider', type: 'upstream_error', retryable: true }],
    ['truncated JSON on every request', () => (ghl.state.faults.truncatedJson = Infinity), { type: 'bad_response', retryable: true }],
    ['responses slower than the client timeout', () => Object.assign(ghl.state.faults, { delayMs: 1_000, delayCount: Infinity }), { origin: 'network', type: 'timeout', retryable: true }],
  ] as const)('%s: retried, then failed with a structured error; the integration shows it', async (_name, inject, error) => {
    const id = await freshIntegration(`fault ${_name}`);
    resetFaults();
    inject();
    try {
      const run = await syncToEnd(id);
      expect(run).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, error: { ...error, message: expect.any(String) } });
      expect(run.error.message.length).toBeGreaterThan(10);
      const i = await integration(id);
      expect(i).toMatchObject({ status: 'error', errorMessage: run.error.message, consecutiveFailures: 1 });
      const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int as n from sync_records where integration_id = $1', [id]);
      expect(n).toBe(0);
    } finally {
      resetFaults();
    }
    // Once the upstream recovers, the next sync succeeds and clears the error.
    const ok = await syncToEnd(id);
    expect(ok.status).toBe('succeeded');
    expect(await integration(id)).toMatchObject({ status: 'active', errorMessage: null, consecutiveFailures: 0 });
  });

  it('429 with Retry-After: the retry waits at least the hint, then succeeds without duplicating records', async () => {
    const id = await freshIntegration('fault 429');
    resetFaults();
    ghl.state.faults.rateLimited = 1;
    ghl.state.faults.retryAfterSeconds = 1;
    const started = Date.now();
    const run = await syncToEnd(id);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(ghl.state.forced429).toBeGreaterThanOrEqual(1);
    const [{ n, d }] = await s.database.query<{ n: number; d: number }>('select count(*)::int as n, count(distinct (kind, external_id))::int as d from sync_records where integration_id = $1', [id]);
    expect(n).toBe(d);
    expect(n).toBeGreaterThanOrEqual(120);
  });

  it('429 on every attempt: failed as rate_limited (retryable), the integration in error', async () => {
    const id = await freshIntegration('fault 429 forever');
    resetFaults();
    ghl.state.faults.rateLimited = Infinity;
    ghl.state.faults.retryAfterSeconds = 0;
    try {
      const run = await syncToEnd(id);
      expect(run).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, error: { type: 'rate_limited', retryable: true } });
      expect(await integration(id)).toMatchObject({ status: 'error', errorMessage: run.error.message });
    } finally {
      resetFaults();
    }
  });

  it('the API stays healthy and consistent throughout', async () => {
    expect((await s.call('GET', '/api/health')).json()).toMatchObject({ status: 'ok' });
    const [{ n }] = await s.database.query<{ n: number }>("select count(*)::int as n from sync_runs where status in ('queued', 'running')");
    expect(n).toBe(0);
  });
});
