import { createHmac } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ProviderError } from '../errors';
import { assertUsableApiVersion, versionWarningMessage } from './api-version';
import { DEFAULT_THROTTLE_WAIT_MS, extractGraphError, mapGraphError, throttleHintMs } from './graph-errors';
import { parseUsageHeaders, slowdownDelayMs, type GraphUsage } from './usage-headers';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
/** Used only when a template has no apiVersion; keep it on a live version of shared/meta-api-versions.ts. */
export const DEFAULT_GRAPH_API_VERSION = 'v27.0';
export const DEFAULT_GRAPH_TIMEOUT_MS = 15_000;
/** A runaway cursor chain must end; 2,000 pages of 100 is far beyond any real ad account. */
const MAX_PAGES = 2_000;

/** Injectable so that backoff tests do not really wait. Rejects when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

export interface RetryPolicy {
  /** Retries after a throttling error, each after Meta's hinted wait. */
  maxThrottleRetries: number;
  /** Retries after 5xx, Graph codes 1/2 and network errors, backing off from transientBaseDelayMs. */
  maxTransientRetries: number;
  transientBaseDelayMs: number;
  /**
   * Longest wait done in-process. A longer hint (BUC throttles can last an hour) is thrown back as a
   * rate_limited ProviderError carrying retryAfterMs, so the job is rescheduled instead of holding a worker.
   */
  maxInlineWaitMs: number;
  /** Utilisation (%) from which calls are spaced out before Meta starts refusing them. */
  slowdownAtPct: number;
}

/** Syncs may wait a while; they run in the background. */
export const SYNC_RETRY_POLICY: RetryPolicy = {
  maxThrottleRetries: 3,
  maxTransientRetries: 2,
  transientBaseDelayMs: 1_000,
  maxInlineWaitMs: 120_000,
  slowdownAtPct: 90,
};

/** A connection test answers a person who is waiting: no retries, no pauses, just the verdict. */
export const NO_RETRY_POLICY: RetryPolicy = { maxThrottleRetries: 0, maxTransientRetries: 0, transientBaseDelayMs: 0, maxInlineWaitMs: 0, slowdownAtPct: 90 };

export interface GraphClientOptions {
  baseUrl: string;
  apiVersion: string;
  accessToken: string;
  /** When set, every call carries appsecret_proof (Meta's recommended hardening; required by apps with "Require App Secret"). */
  appSecret?: string;
  timeoutMs: number;
  signal: AbortSignal;
  sleep: Sleep;
  retry: RetryPolicy;
  /** Told before every wait, so a sync can say why it is pausing. */
  onWait?: (ms: number, reason: string) => void;
  /** Clock for the version table (default: now). */
  now?: () => Date;
}

/** Per-call overrides: another token for this one call (the app token for debug_token). */
export interface CallOptions {
  accessToken?: string;
}

export interface GraphStats {
  requests: number;
  throttled: number;
  waitedMs: number;
  peakUsagePct: number;
  /**
   * The first X-Ad-Api-Version-Warning seen, as a message: Meta ran the call on a newer version than asked for
   * because ours expired (Marketing API version auto-upgrade, developers.facebook.com blog 2024-04-16).
   */
  versionWarning?: string;
}

type GraphObject = Record<string, unknown>;

function cancelled(): ProviderError {
  return new ProviderError({ origin: 'internal', type: 'cancelled', retryable: true, message: 'The Facebook request was cancelled' });
}

export class GraphClient {
  readonly stats: GraphStats = { requests: 0, throttled: 0, waitedMs: 0, peakUsagePct: 0 };
  private pendingSlowdownMs = 0;
  /** Meta's hint for the last throttle, when it gave one; without one the wait doubles per attempt. */
  private lastThrottleHintMs: number | undefined;
  private readonly base: URL;
  private readonly appSecretProof?: string;

  constructor(private readonly o: GraphClientOptions) {
    if (!/^v\d+\.\d+$/.test(o.apiVersion)) {
      throw new ProviderError({ origin: 'config', type: 'invalid_config', retryable: false, message: `The template's Graph API version "${o.apiVersion}" is not of the form v27.0` });
    }
    assertUsableApiVersion(o.apiVersion, (o.now ?? (() => new Date()))());
    this.base = new URL(o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`);
    if (o.appSecret) this.appSecretProof = createHmac('sha256', o.appSecret).update(o.accessToken).digest('hex');
  }

  /** GET /{version}/{path}: `what` names the object for messages ("ad account 123"). */
  async get<T extends GraphObject = GraphObject>(path: string, params: Record<string, string>, what: string, call: CallOptions = {}): Promise<T> {
    return (await this.getUrl(this.buildUrl(path, params), what, call)) as T;
  }

  /** Follows Graph's cursor paging (`paging.next`) and yields each page's `data`. */
  async *pages<T = GraphObject>(path: string, params: Record<string, string>, what: string): AsyncGenerator<T[]> {
    let url: URL | null = this.buildUrl(path, params);
    const seen = new Set<string>();
    for (let n = 1; url; n++) {
      if (n > MAX_PAGES) throw this.badResponse(`more than ${MAX_PAGES} pages for ${what}`, false);
      const body = await this.getUrl(url, what);
      if (!Array.isArray(body.data)) throw this.badResponse(`a page of ${what} without a data list`, false);
      yield body.data as T[];
      const next = (body.paging as { next?: unknown } | undefined)?.next;
      if (typeof next !== 'string' || next === '' || body.data.length === 0) return;
      url = this.followable(next);
      if (seen.has(url.href)) throw this.badResponse(`the same page of ${what} twice (cursor loop)`, false);
      seen.add(url.href);
    }
  }

  private buildUrl(path: string, params: Record<string, string>): URL {
    const segments = path.split('/').map(encodeURIComponent).join('/');
    const url = new URL(`${this.o.apiVersion}/${segments}`, this.base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  /**
   * Graph's `paging.next` embeds the access token in the query. Drop it (the header carries the token,
   * and URLs end up in logs) and re-root the path on our configured base so a cursor can never send
   * the token to another host.
   */
  private followable(next: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(next, this.base);
    } catch {
      throw this.badResponse('a paging.next link that is not a URL', false);
    }
    parsed.searchParams.delete('access_token');
    parsed.searchParams.delete('appsecret_proof');
    const prefix = this.base.pathname.replace(/\/$/, '');
    if (parsed.origin === this.base.origin && parsed.pathname.startsWith(`${prefix}/`)) return parsed;
    const url = new URL(this.base.href);
    url.pathname = `${prefix}${parsed.pathname}`;
    url.search = parsed.search;
    return url;
  }

  private async getUrl(url: URL, what: string, call: CallOptions = {}): Promise<GraphObject> {
    // An app token needs no proof (the proof is of the user token, and the app token already holds the secret).
    if (this.appSecretProof && !call.accessToken) url.searchParams.set('appsecret_proof', this.appSecretProof);
    const policy = this.o.retry;
    for (let attempt = 0; ; attempt++) {
      if (this.pendingSlowdownMs > 0) {
        const ms = this.pendingSlowdownMs;
        this.pendingSlowdownMs = 0;
        await this.wait(ms, `usage at ${Math.round(this.stats.peakUsagePct)}%`);
      }
      try {
        return await this.send(url, what, call.accessToken ?? this.o.accessToken);
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        let waitMs: number | null = null;
        if (err.type === 'rate_limited' && attempt < policy.maxThrottleRetries) {
          waitMs = this.lastThrottleHintMs ?? DEFAULT_THROTTLE_WAIT_MS * 2 ** attempt;
        } else if ((err.type === 'upstream_error' || err.type === 'network') && attempt < policy.maxTransientRetries) {
          waitMs = policy.transientBaseDelayMs * 2 ** attempt;
        }
        if (waitMs === null || waitMs > policy.maxInlineWaitMs) throw err;
        // The throttle wait already covers any usage-based slowdown the same response asked for.
        this.pendingSlowdownMs = 0;
        await this.wait(waitMs, err.type === 'rate_limited' ? 'Facebook is throttling' : 'Facebook had a temporary problem');
      }
    }
  }

  private async wait(ms: number, reason: string): Promise<void> {
    if (this.o.signal.aborted) throw cancelled();
    this.o.onWait?.(ms, reason);
    this.stats.waitedMs += ms;
    try {
      await this.o.sleep(ms, this.o.signal);
    } catch {
      throw cancelled();
    }
    if (this.o.signal.aborted) throw cancelled();
  }

  private async send(url: URL, what: string, token: string): Promise<GraphObject> {
    if (this.o.signal.aborted) throw cancelled();
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const signal = AbortSignal.any([this.o.signal, timeout]);
    const failed = (err: unknown): ProviderError => {
      if (this.o.signal.aborted) return cancelled();
      if (timeout.aborted) {
        return new ProviderError({ origin: 'network', type: 'timeout', retryable: true, message: `Facebook did not answer within ${this.o.timeoutMs / 1000} s (reading ${what})` });
      }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? (err as Error).message;
      return new ProviderError({ origin: 'network', type: 'network', retryable: true, message: `Could not reach Facebook while reading ${what} (${detail})` });
    };

    this.stats.requests++;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal,
        redirect: 'error',
      });
      text = await res.text();
    } catch (err) {
      throw failed(err);
    }

    const usage = parseUsageHeaders(res.headers);
    this.noteUsage(usage);
    const upgraded = res.headers.get('x-ad-api-version-warning');
    if (upgraded && !this.stats.versionWarning) this.stats.versionWarning = versionWarningMessage(this.o.apiVersion, upgraded);
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(text);
    } catch {
      parsed = false;
    }
    const graphError = parsed ? extractGraphError(body) : undefined;
    if (graphError) {
      const err = mapGraphError(graphError, res.status, usage, what, this.o.apiVersion);
      // Messages reach people and logs; make sure Graph never echoed a token (or the app secret in an app token) into one.
      for (const secret of [this.o.accessToken, token, this.o.appSecret]) {
        if (secret && err.message.includes(secret)) err.message = err.message.split(secret).join('[token]');
      }
      if (err.type === 'rate_limited') {
        this.stats.throttled++;
        this.lastThrottleHintMs = throttleHintMs(graphError.code, usage);
      }
      throw err;
    }
    if (res.status >= 500) {
      throw new ProviderError({ origin: 'provider', type: 'upstream_error', retryable: true, httpStatus: res.status, message: `Facebook answered HTTP ${res.status} while reading ${what}` });
    }
    if (res.status === 429) {
      this.stats.throttled++;
      this.lastThrottleHintMs = usage.regainMs || undefined;
      throw new ProviderError({ origin: 'provider', type: 'rate_limited', retryable: true, retryAfterMs: usage.regainMs || DEFAULT_THROTTLE_WAIT_MS, httpStatus: 429, message: `Facebook is throttling requests for ${what} (HTTP 429)` });
    }
    if (!res.ok) throw this.badResponse(`HTTP ${res.status} without a Graph error body for ${what}`, false, res.status);
    if (!parsed || !body || typeof body !== 'object' || Array.isArray(body)) {
      // Usually a cut connection or a proxy page: worth a later retry, not an inline one.
      throw this.badResponse(`a response for ${what} that is not a JSON object (${text.length} bytes)`, true, res.status);
    }
    return body as GraphObject;
  }

  private noteUsage(usage: GraphUsage) {
    this.stats.peakUsagePct = Math.max(this.stats.peakUsagePct, usage.maxPct);
    this.pendingSlowdownMs = Math.min(slowdownDelayMs(usage, this.o.retry.slowdownAtPct), this.o.retry.maxInlineWaitMs);
  }

  private badResponse(what: string, retryable: boolean, httpStatus?: number): ProviderError {
    return new ProviderError({ origin: 'provider', type: 'bad_response', retryable, httpStatus, message: `Facebook sent ${what}` });
  }
}
