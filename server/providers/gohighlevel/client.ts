import { ProviderError } from '../errors';
import { HttpGetError, httpGet, type HttpGetResponse } from '../http-get';
import { systemClock, type Clock } from './clock';
import { badResponseError, cancelledError, errorForStatus, networkError, parseRetryAfter, timeoutError } from './http-errors';
import { readRateLimitHeaders, sharedRateLimiters, type LocationRateLimiter, type RateLimiterRegistry } from './rate-limiter';

export const GHL_DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';
export const GHL_DEFAULT_TIMEOUT_MS = 15_000;
/** GoHighLevel versions each API family separately and rejects requests without the header. */
export const GHL_VERSION_LOCATIONS = '2021-07-28';
export const GHL_VERSION_CONTACTS = '2021-07-28';
export const GHL_VERSION_CALENDARS = '2021-04-15';
/** The contacts endpoint's documented maximum page size. */
export const GHL_MAX_CONTACTS_PAGE = 100;

export interface GhlClientOptions {
  apiKey: string;
  locationId: string;
  baseUrl?: string;
  timeoutMs?: number;
  clock?: Clock;
  limiters?: RateLimiterRegistry;
  /** 429s retried after waiting as told, before giving up with `rate_limited`. */
  maxRateLimitRetries?: number;
  /** Retries of timeouts, network failures, 5xx and unreadable bodies (all requests here are idempotent GETs). */
  maxTransientRetries?: number;
  transientBackoffMs?: number;
}

export interface GhlLocation {
  id: string;
  name?: string;
  timezone?: string;
  [field: string]: unknown;
}

export interface GhlRecord {
  id: string;
  [field: string]: unknown;
}

export interface GhlContactsMeta {
  total?: number;
  nextPageUrl?: string | null;
  startAfterId?: string | null;
  startAfter?: number | null;
  currentPage?: number | null;
  nextPage?: number | null;
  prevPage?: number | null;
}

export interface GhlContactsPage {
  contacts: GhlRecord[];
  meta: GhlContactsMeta;
}

export interface ContactsCursor {
  startAfterId: string;
  startAfter?: number;
}

type Query = Record<string, string | number | undefined>;

export class GhlClient {
  readonly baseUrl: string;
  readonly locationId: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly limiter: LocationRateLimiter;
  private readonly maxRateLimitRetries: number;
  private readonly maxTransientRetries: number;
  private readonly transientBackoffMs: number;

  constructor(opts: GhlClientOptions) {
    this.baseUrl = (opts.baseUrl || GHL_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.locationId = opts.locationId;
    this.timeoutMs = opts.timeoutMs ?? GHL_DEFAULT_TIMEOUT_MS;
    this.clock = opts.clock ?? systemClock;
    // One budget per upstream location, shared by every client in the process (GoHighLevel counts per location).
    this.limiter = (opts.limiters ?? sharedRateLimiters).get(`${this.baseUrl}#${opts.locationId}`);
    this.maxRateLimitRetries = opts.maxRateLimitRetries ?? 5;
    this.maxTransientRetries = opts.maxTransientRetries ?? 2;
    this.transientBackoffMs = opts.transientBackoffMs ?? 500;
  }

  async getLocation(signal?: AbortSignal): Promise<GhlLocation> {
    const id = this.locationId;
    const body = await this.get(`/locations/${encodeURIComponent(id)}`, {}, GHL_VERSION_LOCATIONS, `location "${id}"`, signal);
    const location = body.location as GhlLocation | undefined;
    if (!location || typeof location !== 'object' || typeof location.id !== 'string') {
      throw badResponseError(`location "${id}"`, 'no location object');
    }
    return location;
  }

  /** One page of `GET /contacts/`, paginated by the previous page's `meta.startAfterId` / `meta.startAfter`. */
  async listContacts(limit: number, cursor: ContactsCursor | null, signal?: AbortSignal): Promise<GhlContactsPage> {
    const body = await this.get(
      '/contacts/',
      { locationId: this.locationId, limit, startAfterId: cursor?.startAfterId, startAfter: cursor?.startAfter },
      GHL_VERSION_CONTACTS,
      'contacts',
      signal,
    );
    if (!Array.isArray(body.contacts)) throw badResponseError('contacts', 'no contacts array');
    const meta = body.meta && typeof body.meta === 'object' ? (body.meta as GhlContactsMeta) : {};
    return { contacts: records(body.contacts), meta };
  }

  async listCalendars(signal?: AbortSignal): Promise<GhlRecord[]> {
    const body = await this.get('/calendars/', { locationId: this.locationId }, GHL_VERSION_CALENDARS, 'calendars', signal);
    if (!Array.isArray(body.calendars)) throw badResponseError('calendars', 'no calendars array');
    return records(body.calendars);
  }

  /** Appointments of one calendar whose start falls in [startTime, endTime] (epoch ms). */
  async listCalendarEvents(calendarId: string, startTime: number, endTime: number, signal?: AbortSignal): Promise<GhlRecord[]> {
    const what = `events of calendar "${calendarId}"`;
    const body = await this.get(
      '/calendars/events',
      { locationId: this.locationId, calendarId, startTime, endTime },
      GHL_VERSION_CALENDARS,
      what,
      signal,
    );
    if (!Array.isArray(body.events)) throw badResponseError(what, 'no events array');
    return records(body.events);
  }

  private async get(path: string, query: Query, version: string, what: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    let rateLimited = 0;
    let transient = 0;
    for (;;) {
      try {
        return await this.attempt(path, query, version, what, signal);
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // The limiter already holds further requests back for Retry-After; just go round again.
        if (err.httpStatus === 429 && rateLimited < this.maxRateLimitRetries) {
          rateLimited++;
          continue;
        }
        if (err.retryable && err.type !== 'rate_limited' && transient < this.maxTransientRetries) {
          transient++;
          try {
            await this.clock.sleep(this.transientBackoffMs * 2 ** (transient - 1), signal);
          } catch {
            throw cancelledError();
          }
          continue;
        }
        throw err;
      }
    }
  }

  private async attempt(path: string, query: Query, version: string, what: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));

    let ticket;
    try {
      ticket = await this.limiter.acquire(signal);
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      throw cancelledError();
    }

    const failure = (err: unknown) => {
      if (signal?.aborted) return cancelledError();
      if (err instanceof HttpGetError && err.reason === 'timeout') return timeoutError(what, this.timeoutMs);
      return networkError(err, this.baseUrl);
    };

    let res: HttpGetResponse;
    try {
      res = await httpGet(url, { Authorization: `Bearer ${this.apiKey}`, Version: version, Accept: 'application/json' }, { signal, timeoutMs: this.timeoutMs });
    } catch (err) {
      this.limiter.settle(ticket);
      throw failure(err);
    }
    // Settle as soon as the status line arrives: the server counted the request before answering, and every
    // millisecond earlier the slot frees is throughput kept.
    const rateLimit = readRateLimitHeaders(res.headers);
    let retryAfterMs: number | undefined;
    if (res.status === 429) {
      retryAfterMs = parseRetryAfter(res.headers.get('retry-after')) ?? rateLimit.intervalMs ?? this.limiter.snapshot().intervalMs;
      this.limiter.settle(ticket, { headers: rateLimit, rateLimitedForMs: retryAfterMs });
    } else {
      this.limiter.settle(ticket, { headers: rateLimit });
    }

    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw failure(err);
    }
    if (!res.ok) throw errorForStatus(res.status, text, { what, locationId: this.locationId, retryAfterMs });

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badResponseError(what, `invalid JSON, ${text.length} bytes`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badResponseError(what, 'not a JSON object');
    return parsed as Record<string, unknown>;
  }
}

/** Items without a string id cannot be upserted by external id; they are left out. */
function records(items: unknown[]): GhlRecord[] {
  return items.filter((i): i is GhlRecord => !!i && typeof i === 'object' && typeof (i as GhlRecord).id === 'string' && (i as GhlRecord).id !== '');
}
