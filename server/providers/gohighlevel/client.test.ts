import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { GhlClient, type GhlClientOptions } from './client';
import {
  FAKE_AGENCY_TOKEN,
  FAKE_LIMITED_SCOPE_TOKEN,
  FAKE_LOCATION_ID,
  FAKE_OTHER_LOCATION_TOKEN,
  FAKE_VALID_TOKEN,
  startFakeGhl,
  virtualClock,
  type FakeGhl,
} from './fake';
import { RateLimiterRegistry } from './rate-limiter';

let fake: FakeGhl;
beforeEach(async () => {
  fake = await startFakeGhl();
});
afterEach(async () => {
  await fake.close();
});

/** A client on its own limiter state and a virtual clock, so backoff costs no real time. */
function client(overrides: Partial<GhlClientOptions> = {}) {
  const vc = virtualClock();
  const c = new GhlClient({
    apiKey: FAKE_VALID_TOKEN,
    locationId: FAKE_LOCATION_ID,
    baseUrl: fake.url,
    clock: vc.clock,
    limiters: new RateLimiterRegistry(vc.clock),
    ...overrides,
  });
  return { c, sleeps: vc.sleeps };
}

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('GhlClient against the fake GoHighLevel API', () => {
  it('sends Bearer auth, Accept and the Version each API family expects', async () => {
    const { c } = client();
    await c.getLocation();
    await c.listContacts(100, null);
    await c.listCalendars();
    await c.listCalendarEvents('CalX', 0, Date.now());
    expect(fake.state.requests.map((r) => [r.path, r.version, r.status])).toEqual([
      [`/locations/${FAKE_LOCATION_ID}`, '2021-07-28', 200],
      ['/contacts', '2021-07-28', 200],
      ['/calendars', '2021-04-15', 200],
      ['/calendars/events', '2021-04-15', 200],
    ]);
    expect(fake.state.requests[1].query).toMatchObject({ locationId: FAKE_LOCATION_ID, limit: '100' });
  });

  it('401 Invalid JWT → auth_rejected, disconnected, with a message for a person', async () => {
    const err = await failure(client({ apiKey: 'pit-revoked-token' }).c.getLocation());
    expect(err).toMatchObject({ type: 'auth_rejected', origin: 'provider', disconnected: true, retryable: false, httpStatus: 401 });
    expect(err.message).toContain('GoHighLevel rejected the API key (401 Invalid JWT)');
  });

  it('403 for a token of another location → no_access, not retryable, says what to fix', async () => {
    const err = await failure(client({ apiKey: FAKE_OTHER_LOCATION_TOKEN }).c.getLocation());
    expect(err).toMatchObject({ type: 'no_access', origin: 'config', retryable: false, disconnected: false, httpStatus: 403 });
    expect(err.message).toContain('The token does not have access to this location.');
    expect(err.message).toContain('Location ID');
  });

  it('404 for an unknown location → not_found (config)', async () => {
    const err = await failure(client({ apiKey: FAKE_AGENCY_TOKEN, locationId: 'LocDoesNotExist99' }).c.getLocation());
    expect(err).toMatchObject({ type: 'not_found', origin: 'config', retryable: false, httpStatus: 404 });
    expect(err.message).toContain('location "LocDoesNotExist99"');
  });

  it('401 for a missing scope is a config problem, not rejected credentials', async () => {
    const err = await failure(client({ apiKey: FAKE_LIMITED_SCOPE_TOKEN }).c.listContacts(100, null));
    expect(err).toMatchObject({ type: 'missing_scope', origin: 'config', disconnected: false, retryable: false });
  });

  it('truncated JSON → bad_response (retryable) once retries are spent', async () => {
    fake.state.faults.truncatedJson = Infinity;
    const err = await failure(client({ maxTransientRetries: 0 }).c.listContacts(100, null));
    expect(err).toMatchObject({ type: 'bad_response', origin: 'provider', retryable: true });
  });

  it('retries a single truncated response transparently, after a backoff', async () => {
    fake.state.faults.truncatedJson = 1;
    const { c, sleeps } = client({ transientBackoffMs: 250 });
    const page = await c.listContacts(100, null);
    expect(page.contacts).toHaveLength(100);
    expect(sleeps).toEqual([250]);
    expect(fake.state.requests).toHaveLength(2);
  });

  it('5xx → upstream_error, retryable', async () => {
    fake.state.faults.serverError = Infinity;
    const err = await failure(client({ maxTransientRetries: 1 }).c.listCalendars());
    expect(err).toMatchObject({ type: 'upstream_error', origin: 'provider', retryable: true, httpStatus: 500 });
    expect(fake.state.requests).toHaveLength(2);
  });

  it('a response slower than the timeout → timeout (network, retryable)', async () => {
    fake.state.faults.delayMs = 2_000;
    fake.state.faults.delayCount = 1;
    const err = await failure(client({ timeoutMs: 100, maxTransientRetries: 0 }).c.getLocation());
    expect(err).toMatchObject({ type: 'timeout', origin: 'network', retryable: true });
    expect(err.message).toContain('within 0.1 s');
  });

  it('a refused connection → network_error (network, retryable)', async () => {
    const port = await closedPort();
    const err = await failure(client({ baseUrl: `http://127.0.0.1:${port}`, maxTransientRetries: 0 }).c.getLocation());
    expect(err).toMatchObject({ type: 'network_error', origin: 'network', retryable: true });
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('a caller abort → cancelled, not retried', async () => {
    fake.state.faults.delayMs = 2_000;
    fake.state.faults.delayCount = 1;
    const ac = new AbortController();
    const pending = client().c.getLocation(ac.signal);
    setTimeout(() => ac.abort(), 20);
    const err = await failure(pending);
    expect(err).toMatchObject({ type: 'cancelled', retryable: false });
    expect(fake.state.requests).toHaveLength(1);
  });

  it('honours Retry-After on a 429, then succeeds', async () => {
    fake.state.faults.rateLimited = 1;
    fake.state.faults.retryAfterSeconds = 2;
    const { c, sleeps } = client();
    const location = await c.getLocation();
    expect(location.name).toBe('Acme Dental');
    expect(sleeps).toEqual([2_000]);
    expect(fake.state.forced429).toBe(1);
    expect(fake.state.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('without Retry-After waits the interval GoHighLevel reports', async () => {
    fake.state.faults.rateLimited = 1;
    fake.state.faults.retryAfterSeconds = null;
    const { c, sleeps } = client();
    await c.getLocation();
    expect(sleeps).toEqual([10_000]);
  });

  it('gives up with rate_limited (retryable, with retryAfterMs) after a bounded number of 429s', async () => {
    fake.state.faults.rateLimited = Infinity;
    fake.state.faults.retryAfterSeconds = 3;
    const err = await failure(client({ maxRateLimitRetries: 2 }).c.getLocation());
    expect(err).toMatchObject({ type: 'rate_limited', retryable: true, retryAfterMs: 3_000, httpStatus: 429 });
    expect(fake.state.requests).toHaveLength(3);
  });

  it('recovers from a real 429 (window filled by another client) by waiting as told, with no second 429', async () => {
    const tight = await startFakeGhl({ rateLimit: { max: 10, intervalMs: 500 } });
    try {
      tight.state.consume(FAKE_LOCATION_ID, 10);
      const c = new GhlClient({ apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID, baseUrl: tight.url, limiters: new RateLimiterRegistry() });
      await c.getLocation();
      expect(tight.state.tooManyRequests).toBe(1);
      expect(tight.state.requests.map((r) => r.status)).toEqual([429, 200]);
    } finally {
      await tight.close();
    }
  });
});
