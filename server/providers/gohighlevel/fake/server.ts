import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { generateCalendars, generateContacts, generateEvents, type FakeCalendar, type FakeContact, type FakeEvent } from './data';
import { RollingWindow } from './rolling-window';

/**
 * A local stand-in for GoHighLevel API v2 (services.leadconnectorhq.com), for tests and benchmarks only. It follows the
 * documented and observed behaviour: Bearer tokens ("Invalid JWT" 401), location access (403), a required Version
 * header (401 "version header was not found."), GET /contacts/ cursor pagination with `meta`, calendars and calendar
 * events, the X-RateLimit-* headers on every attributed response and 429 past the burst limit.
 */

export interface FakeLocationSeed {
  id: string;
  name: string;
  timezone?: string;
  contacts?: number;
  calendars?: number;
  eventsPerCalendar?: number;
}

export interface FakeToken {
  /** Locations the token may read; '*' for an agency-wide token. */
  locations: string[] | '*';
  /** When set, only these scopes are granted (others answer 401 "not authorized for this scope"). */
  scopes?: string[];
}

export interface FakeGhlOptions {
  locations?: FakeLocationSeed[];
  tokens?: Record<string, FakeToken>;
  /** Burst window per location (default GoHighLevel's 100 per 10,000 ms) and daily limit (200,000). */
  rateLimit?: { max?: number; intervalMs?: number; dailyLimit?: number };
  /** The instant appointments are spread around (default: now). */
  anchorMs?: number;
  port?: number;
}

export interface FakeRequestLog {
  /** performance.now() at arrival, for computing achieved rates. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  version?: string;
  locationId?: string;
  status: number;
}

/** Fault switches: each counts the upcoming requests it affects (Infinity for every one); 0 is off. */
export interface FakeFaults {
  /** Answer 200 with the JSON body cut in half. */
  truncatedJson: number;
  /** Answer 500 `{"statusCode":500,"message":"Internal server error"}`. */
  serverError: number;
  /** Answer 429 regardless of the window, with Retry-After `retryAfterSeconds` (omitted when null). */
  rateLimited: number;
  retryAfterSeconds: number | null;
  /** Hold the response back `delayMs` for the next `delayCount` requests. */
  delayMs: number;
  delayCount: number;
}

export interface FakeLocation {
  id: string;
  name: string;
  timezone: string;
  contacts: FakeContact[];
  calendars: FakeCalendar[];
  events: FakeEvent[];
  indexById?: Map<string, number>;
}

export interface FakeGhlState {
  locations: Map<string, FakeLocation>;
  requests: FakeRequestLog[];
  /** 429s caused by exceeding the burst or daily limit (forced ones are counted in `forced429`). */
  tooManyRequests: number;
  forced429: number;
  faults: FakeFaults;
  /** Books requests made by another client on the location's budget. */
  consume(locationId: string, count: number): void;
  windowFor(locationId: string): RollingWindow;
}

export interface FakeGhl {
  url: string;
  state: FakeGhlState;
  close(): Promise<void>;
}

export const FAKE_LOCATION_ID = 'LocAcmeDental0001';
export const FAKE_OTHER_LOCATION_ID = 'LocOtherClinic0002';
export const FAKE_VALID_TOKEN = 'pit-acme-dental-valid-token-0001';
/** Valid, but minted in another location: GoHighLevel answers 403 for FAKE_LOCATION_ID. */
export const FAKE_OTHER_LOCATION_TOKEN = 'pit-other-clinic-token-0002';
/** Valid for the location but granted only locations.readonly. */
export const FAKE_LIMITED_SCOPE_TOKEN = 'pit-acme-dental-limited-scope-0003';
export const FAKE_AGENCY_TOKEN = 'pit-agency-wide-token-0004';

const SUPPORTED_VERSIONS = new Set(['2021-07-28', '2021-04-15', '2023-02-21', 'v3']);

const SCOPE_BY_ROUTE: Record<string, string> = {
  location: 'locations.readonly',
  contacts: 'contacts.readonly',
  calendars: 'calendars.readonly',
  events: 'calendars/events.readonly',
};

export async function startFakeGhl(opts: FakeGhlOptions = {}): Promise<FakeGhl> {
  const anchorMs = opts.anchorMs ?? Date.now();
  const seeds = opts.locations ?? [
    { id: FAKE_LOCATION_ID, name: 'Acme Dental', timezone: 'America/Chicago' },
    { id: FAKE_OTHER_LOCATION_ID, name: 'Other Clinic', timezone: 'Europe/Paris', contacts: 5 },
  ];
  const locations = new Map<string, FakeLocation>();
  for (const seed of seeds) {
    const contacts = generateContacts(seed.id, seed.contacts ?? 250, anchorMs);
    const calendars = generateCalendars(seed.id, seed.calendars ?? 2);
    const contactIds = contacts.slice(0, 50).map((c) => c.id);
    const events = calendars.flatMap((c) => generateEvents(c, seed.eventsPerCalendar ?? 12, anchorMs, contactIds));
    locations.set(seed.id, { id: seed.id, name: seed.name, timezone: seed.timezone ?? 'America/Chicago', contacts, calendars, events });
  }
  const tokens: Record<string, FakeToken> = opts.tokens ?? {
    [FAKE_VALID_TOKEN]: { locations: [FAKE_LOCATION_ID] },
    [FAKE_OTHER_LOCATION_TOKEN]: { locations: [FAKE_OTHER_LOCATION_ID] },
    [FAKE_LIMITED_SCOPE_TOKEN]: { locations: [FAKE_LOCATION_ID], scopes: ['locations.readonly'] },
    [FAKE_AGENCY_TOKEN]: { locations: '*' },
  };
  const limits = {
    max: opts.rateLimit?.max ?? 100,
    intervalMs: opts.rateLimit?.intervalMs ?? 10_000,
    dailyLimit: opts.rateLimit?.dailyLimit ?? 200_000,
  };
  const windows = new Map<string, RollingWindow>();
  const windowFor = (locationId: string) => {
    let w = windows.get(locationId);
    if (!w) windows.set(locationId, (w = new RollingWindow(limits.max, limits.intervalMs, limits.dailyLimit)));
    return w;
  };

  const state: FakeGhlState = {
    locations,
    requests: [],
    tooManyRequests: 0,
    forced429: 0,
    faults: { truncatedJson: 0, serverError: 0, rateLimited: 0, retryAfterSeconds: 1, delayMs: 0, delayCount: 0 },
    consume: (locationId, count) => windowFor(locationId).consume(performance.now(), count),
    windowFor,
  };

  let baseUrl = '';
  const server = createServer((req, res) => {
    const at = performance.now();
    handle(req, res, at).catch(() => {
      if (!res.headersSent) send(res, 500, { statusCode: 500, message: 'Internal server error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, at: number) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const version = header(req, 'version');
    const log: FakeRequestLog = { at, method: req.method ?? 'GET', path, query, version, status: 0 };
    state.requests.push(log);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) => {
      log.status = status;
      send(res, status, body, headers, raw);
    };

    const route = matchRoute(req.method ?? 'GET', path);
    if (!route) return reply(404, { statusCode: 404, message: `Cannot ${req.method} ${url.pathname}`, error: 'Not Found' });

    const auth = header(req, 'authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const grant = tokens[token];
    if (!grant) return reply(401, { statusCode: 401, message: 'Invalid JWT' });
    if (!version) return reply(401, { statusCode: 401, message: 'version header was not found.' });
    if (!SUPPORTED_VERSIONS.has(version)) return reply(401, { statusCode: 401, message: 'version header is invalid' });
    if (grant.scopes && !grant.scopes.includes(SCOPE_BY_ROUTE[route.name])) {
      return reply(401, { statusCode: 401, message: 'The token is not authorized for this scope.' });
    }

    const locationId = route.locationId ?? query.locationId;
    if (!locationId) return reply(422, { statusCode: 422, message: ['locationId should not be empty'], error: 'Unprocessable Entity' });
    log.locationId = locationId;

    // The budget is counted per location for every authenticated request, and reported on every answer.
    const window = windowFor(locationId);
    const rateHeaders = (remaining: number) => ({
      'X-RateLimit-Limit-Daily': String(window.dailyLimit),
      'X-RateLimit-Daily-Remaining': String(Math.max(0, window.dailyLimit - window.dailyUsed)),
      'X-RateLimit-Interval-Milliseconds': String(window.intervalMs),
      'X-RateLimit-Max': String(window.max),
      'X-RateLimit-Remaining': String(remaining),
    });
    if (state.faults.rateLimited > 0) {
      state.faults.rateLimited--;
      state.forced429++;
      const extra: Record<string, string> =
        state.faults.retryAfterSeconds == null ? {} : { 'Retry-After': String(state.faults.retryAfterSeconds) };
      return reply(429, { statusCode: 429, message: 'Too Many Requests' }, { ...rateHeaders(0), ...extra });
    }
    const slot = window.take(at);
    if (!slot.allowed) {
      state.tooManyRequests++;
      const retryAfter = String(Math.max(1, Math.ceil(slot.retryAfterMs / 1000)));
      return reply(429, { statusCode: 429, message: 'Too Many Requests' }, { ...rateHeaders(0), 'Retry-After': retryAfter });
    }
    const headers = rateHeaders(slot.remaining);

    const location = locations.get(locationId);
    const allowed = grant.locations === '*' || grant.locations.includes(locationId);
    if (!allowed) return reply(403, { statusCode: 403, message: 'The token does not have access to this location.' }, headers);
    if (!location) return reply(404, { statusCode: 404, message: 'Location not found' }, headers);

    if (state.faults.delayCount > 0 && state.faults.delayMs > 0) {
      state.faults.delayCount--;
      await new Promise((r) => setTimeout(r, state.faults.delayMs));
      if (res.destroyed) return;
    }
    if (state.faults.serverError > 0) {
      state.faults.serverError--;
      return reply(500, { statusCode: 500, message: 'Internal server error' }, headers);
    }

    const result = answer(route.name, location, query, baseUrl);
    if (result.status === 200 && state.faults.truncatedJson > 0) {
      state.faults.truncatedJson--;
      const text = JSON.stringify(result.body);
      return reply(200, null, headers, text.slice(0, Math.floor(text.length / 2)));
    }
    return reply(result.status, result.body, headers);
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type RouteName = 'location' | 'contacts' | 'calendars' | 'events';

function matchRoute(method: string, path: string): { name: RouteName; locationId?: string } | null {
  if (method !== 'GET') return null;
  const location = /^\/locations\/([^/]+)$/.exec(path);
  if (location) return { name: 'location', locationId: decodeURIComponent(location[1]) };
  if (path === '/contacts') return { name: 'contacts' };
  if (path === '/calendars') return { name: 'calendars' };
  if (path === '/calendars/events') return { name: 'events' };
  return null;
}

function answer(route: RouteName, location: FakeLocation, query: Record<string, string>, baseUrl: string): { status: number; body: unknown } {
  switch (route) {
    case 'location':
      return {
        status: 200,
        body: {
          location: {
            id: location.id,
            companyId: 'CmpFakeAgency0000001',
            name: location.name,
            address: '100 Main St',
            city: 'Austin',
            state: 'TX',
            country: 'US',
            postalCode: '78701',
            website: 'https://example.com',
            timezone: location.timezone,
            email: 'frontdesk@example.com',
            phone: '+15125550100',
            settings: { allowDuplicateContact: false },
          },
        },
      };
    case 'contacts':
      return contactsPage(location, query, baseUrl);
    case 'calendars':
      return { status: 200, body: { calendars: location.calendars } };
    case 'events': {
      const start = Number(query.startTime);
      const end = Number(query.endTime);
      if (!query.calendarId && !query.userId && !query.groupId) {
        return unprocessable('One of calendarId, userId or groupId is required');
      }
      if (!Number.isFinite(start) || !Number.isFinite(end)) return unprocessable('startTime and endTime must be epoch milliseconds');
      const events = location.events.filter((e) => {
        const t = Date.parse(e.startTime);
        return e.calendarId === query.calendarId && t >= start && t <= end;
      });
      return { status: 200, body: { events } };
    }
  }
}

/** GET /contacts/: `limit` (default 20, at most 100), cursor `startAfterId` + `startAfter`, ascending by dateAdded. */
function contactsPage(location: FakeLocation, query: Record<string, string>, baseUrl: string) {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1) return unprocessable('limit must be a positive integer');
  if (limit > 100) return unprocessable('limit must not be greater than 100');
  const all = location.contacts;
  if (!location.indexById) location.indexById = new Map(all.map((c, i) => [c.id, i]));

  let from = 0;
  const byId = query.startAfterId ? location.indexById.get(query.startAfterId) : undefined;
  if (byId !== undefined) from = byId + 1;
  else if (query.startAfter) {
    const after = Number(query.startAfter);
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Date.parse(all[mid].dateAdded) <= after) lo = mid + 1;
      else hi = mid;
    }
    from = lo;
  }
  const contacts = all.slice(from, from + limit);
  const last = contacts[contacts.length - 1];
  const more = from + contacts.length < all.length;
  const currentPage = Math.floor(from / limit) + 1;
  const startAfter = last ? Date.parse(last.dateAdded) : null;
  return {
    status: 200,
    body: {
      contacts,
      meta: {
        total: all.length,
        nextPageUrl:
          more && last
            ? `${baseUrl}/contacts/?locationId=${location.id}&limit=${limit}&startAfter=${startAfter}&startAfterId=${last.id}`
            : null,
        startAfterId: last ? last.id : null,
        startAfter,
        currentPage,
        nextPage: more ? currentPage + 1 : null,
        prevPage: currentPage > 1 ? currentPage - 1 : null,
      },
    },
  };
}

function unprocessable(message: string) {
  return { status: 422, body: { statusCode: 422, message: [message], error: 'Unprocessable Entity' } };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) {
  const text = raw ?? JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
