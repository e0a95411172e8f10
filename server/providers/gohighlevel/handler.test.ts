import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import {
  FAKE_AGENCY_TOKEN,
  FAKE_LOCATION_ID,
  FAKE_OTHER_LOCATION_TOKEN,
  FAKE_VALID_TOKEN,
  memorySyncContext,
  startFakeGhl,
  type FakeGhl,
  type FakeGhlOptions,
} from './fake';
import { createGoHighLevelHandler, type GoHighLevelHandlerOptions } from './handler';
import { goHighLevelHandlerFromEnv } from './index';
import { RateLimiterRegistry } from './rate-limiter';

const DAY = 86_400_000;
const ANCHOR = Date.parse('2026-11-15T12:00:00Z');
const signal = () => new AbortController().signal;

let fake: FakeGhl | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(fakeOpts: FakeGhlOptions = {}, handlerOpts: GoHighLevelHandlerOptions = {}) {
  fake = await startFakeGhl({ anchorMs: ANCHOR, ...fakeOpts });
  // Own limiter state per test: each fake is a fresh upstream.
  const handler = createGoHighLevelHandler({ baseUrl: fake.url, limiters: new RateLimiterRegistry(), now: () => ANCHOR, ...handlerOpts });
  return { fake, handler };
}

const config = (extra: Record<string, unknown> = {}) => ({ apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID, ...extra });

/** Most requests the fake saw inside any `intervalMs` window (by its own arrival times). */
function busiestWindow(times: number[], intervalMs: number) {
  let worst = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= intervalMs) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
}

describe('GoHighLevel handler: connection test', () => {
  it('reaches the location and reports its name', async () => {
    const { handler } = await setup();
    const outcome = await handler.testConnection(config(), { signal: signal() });
    expect(outcome).toEqual({
      ok: true,
      status: 'active',
      message: 'Connected to location "Acme Dental"',
      details: { location: { id: FAKE_LOCATION_ID, name: 'Acme Dental', timezone: 'America/Chicago' } },
    });
  });

  it('an invalid API key → disconnected', async () => {
    const { handler } = await setup();
    const outcome = await handler.testConnection(config({ apiKey: 'pit-revoked-0000000' }), { signal: signal() });
    expect(outcome.ok).toBe(false);
    expect(outcome.status).toBe('disconnected');
    expect(outcome.message).toContain('GoHighLevel rejected the API key (401 Invalid JWT)');
    expect(outcome.details).toMatchObject({ httpStatus: 401, error: { type: 'auth_rejected' } });
  });

  it('a token without access to the location → error that says what to fix', async () => {
    const { handler } = await setup();
    const outcome = await handler.testConnection(config({ apiKey: FAKE_OTHER_LOCATION_TOKEN }), { signal: signal() });
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'no_access' }, httpStatus: 403 } });
    expect(outcome.message).toMatch(/no access to location "LocAcmeDental0001".*Create the Private Integration inside that location, or correct the Location ID/);
  });

  it('an unknown location → error not_found', async () => {
    const { handler } = await setup();
    const outcome = await handler.testConnection({ apiKey: FAKE_AGENCY_TOKEN, locationId: 'LocMissing12345' }, { signal: signal() });
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'not_found' } } });
  });

  it('a slow upstream → error with a timeout, not a hang', async () => {
    const { fake, handler } = await setup({}, { timeoutMs: 100 });
    fake.state.faults.delayMs = 2_000;
    fake.state.faults.delayCount = 1;
    const outcome = await handler.testConnection(config(), { signal: signal() });
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'timeout', retryable: true } } });
  });

  it('is built from the environment (GHL_API_BASE_URL)', async () => {
    fake = await startFakeGhl();
    const handler = goHighLevelHandlerFromEnv({ GHL_API_BASE_URL: fake.url, GHL_TIMEOUT_MS: '5000' });
    expect(handler.templateName).toBe('GoHighLevel');
    const outcome = await handler.testConnection(config(), { signal: signal() });
    expect(outcome.ok).toBe(true);
  });

  it('validateConfig flags a pasted "Bearer " prefix or a broken token', async () => {
    const { handler } = await setup();
    expect(handler.validateConfig(config())).toEqual([]);
    expect(handler.validateConfig(config({ apiKey: 'Bearer pit-abc-123456' }))).toEqual([{ path: '/apiKey', message: expect.stringContaining('Bearer') }]);
    expect(handler.validateConfig(config({ apiKey: 'pit-abc\n123456' }))).toEqual([{ path: '/apiKey', message: expect.stringContaining('one piece') }]);
  });
});

describe('GoHighLevel handler: sync', () => {
  it('pages through every contact exactly once, with progress and the upstream total', async () => {
    const { fake, handler } = await setup();
    const mem = memorySyncContext();
    const summary = await handler.syncData!(config(), mem.ctx);

    const expected = fake.state.locations.get(FAKE_LOCATION_ID)!.contacts.map((c) => c.id);
    const upserted = mem.batches.flat().filter((r) => r.kind === 'contact').map((r) => r.externalId);
    expect(upserted).toEqual(expected); // 250, in order, no duplicates
    expect(new Set(upserted).size).toBe(250);
    expect(mem.batches.filter((b) => b[0].kind === 'contact').map((b) => b.length)).toEqual([100, 100, 50]);
    expect(mem.ofKind('contact')[0].data).toMatchObject({ id: expected[0], locationId: FAKE_LOCATION_ID, email: expect.any(String) });
    expect(mem.progress.filter((p) => p.step?.startsWith('Contacts'))).toEqual([
      { step: 'Contacts page 1', fetched: 100, total: 250 },
      { step: 'Contacts page 2', fetched: 200, total: 250 },
      { step: 'Contacts page 3', fetched: 250, total: 250 },
    ]);
    expect(summary.fetched).toEqual({ contact: 250, calendar: 2, appointment: 0 });
    expect(summary.notes).toContain('250 contacts in 3 pages');

    // The cursor is GoHighLevel's: each page asks for the contacts after the previous page's last one.
    const pages = fake.state.requests.filter((r) => r.path === '/contacts');
    expect(pages[0].query.startAfterId).toBeUndefined();
    expect(pages[1].query).toMatchObject({ limit: '100', startAfterId: expected[99], startAfter: String(Date.parse(fake.state.locations.get(FAKE_LOCATION_ID)!.contacts[99].dateAdded)) });
    expect(pages[2].query.startAfterId).toBe(expected[199]);
  });

  it('stops on the last full page when GoHighLevel says there is no next page', async () => {
    const { fake, handler } = await setup({ locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts: 300 }] });
    const mem = memorySyncContext();
    const summary = await handler.syncData!(config(), mem.ctx);
    expect(summary.fetched.contact).toBe(300);
    expect(fake.state.requests.filter((r) => r.path === '/contacts')).toHaveLength(3);
  });

  it('syncs the calendars, and the configured calendar\'s appointments within 30 days back to 90 ahead', async () => {
    const { fake, handler } = await setup();
    const location = fake.state.locations.get(FAKE_LOCATION_ID)!;
    const calendarId = location.calendars[1].id;
    const mem = memorySyncContext();
    const summary = await handler.syncData!(config({ calendarId }), mem.ctx);

    expect(mem.ofKind('calendar').map((r) => r.externalId).sort()).toEqual(location.calendars.map((c) => c.id).sort());
    const inWindow = location.events.filter(
      (e) => e.calendarId === calendarId && Date.parse(e.startTime) >= ANCHOR - 30 * DAY && Date.parse(e.startTime) <= ANCHOR + 90 * DAY,
    );
    expect(inWindow.length).toBeGreaterThan(0);
    expect(inWindow.length).toBeLessThan(location.events.filter((e) => e.calendarId === calendarId).length);
    expect(mem.ofKind('appointment').map((r) => r.externalId).sort()).toEqual(inWindow.map((e) => e.id).sort());
    expect(summary.fetched).toEqual({ contact: 250, calendar: 2, appointment: inWindow.length });
    const events = fake.state.requests.find((r) => r.path === '/calendars/events')!;
    expect(events.query).toEqual({
      locationId: FAKE_LOCATION_ID,
      calendarId,
      startTime: String(ANCHOR - 30 * DAY),
      endTime: String(ANCHOR + 90 * DAY),
    });
  });

  it('keeps under a tight burst limit across many pages with zero 429s', async () => {
    const { fake, handler } = await setup({ rateLimit: { max: 10, intervalMs: 500 } }, { pageSize: 10 });
    const calendarId = fake.state.locations.get(FAKE_LOCATION_ID)!.calendars[0].id;
    const mem = memorySyncContext();
    const summary = await handler.syncData!(config({ calendarId }), mem.ctx);
    expect(summary.fetched.contact).toBe(250);
    expect(mem.ofKind('contact')).toHaveLength(250);
    expect(fake.state.requests).toHaveLength(27); // 25 pages of 10, calendars, events
    expect(fake.state.tooManyRequests).toBe(0);
    expect(busiestWindow(fake.state.requests.map((r) => r.at), 500)).toBeLessThanOrEqual(10);
  });

  it('notices another client using the same location budget and waits instead of hitting 429', async () => {
    const { fake, handler } = await setup({ rateLimit: { max: 10, intervalMs: 500 } }, { pageSize: 25 });
    fake.state.consume(FAKE_LOCATION_ID, 8);
    const mem = memorySyncContext();
    await handler.syncData!(config(), mem.ctx);
    expect(mem.ofKind('contact')).toHaveLength(250);
    expect(fake.state.tooManyRequests).toBe(0);
  });

  it('rejects with auth_rejected (disconnected) when the key is revoked', async () => {
    const { handler } = await setup();
    const err = await handler.syncData!(config({ apiKey: 'pit-revoked-0000000' }), memorySyncContext().ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'auth_rejected', disconnected: true });
  });

  it('stops between pages when the sync is cancelled', async () => {
    const { fake, handler } = await setup();
    const ac = new AbortController();
    const mem = memorySyncContext({ signal: ac.signal, onProgress: (p) => p.step === 'Contacts page 1' && ac.abort() });
    const err = await handler.syncData!(config(), mem.ctx).catch((e) => e);
    expect(err).toMatchObject({ type: 'cancelled' });
    expect(mem.ofKind('contact')).toHaveLength(100);
    // Page 2 was already being fetched while page 1 was stored; nothing after it.
    expect(fake.state.requests.length).toBeLessThanOrEqual(2);
  });
});
