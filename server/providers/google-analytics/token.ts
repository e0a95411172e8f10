import { sign } from 'node:crypto';
import { ProviderError } from '../errors';
import { httpRequest, parseJsonObject, truncate } from './http';
import type { ServiceAccountKey } from './service-account';

export const ANALYTICS_READONLY_SCOPE = 'https://www.googleapis.com/auth/analytics.readonly';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Google accepts assertions valid for at most one hour. */
const ASSERTION_LIFETIME_S = 3600;
/** Refresh this long before expiry so a token never expires between being handed out and being used. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** Bound the cache: one entry per service account key in use. */
const MAX_CACHED_TOKENS = 1000;

const SERVICE = 'Google sign-in';

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

export interface TokenSourceOptions {
  tokenUrl: string;
  timeoutMs: number;
  clock: () => number;
}

/**
 * Access tokens for service accounts (OAuth 2.0 JWT-bearer grant, RFC 7523), cached per key until shortly
 * before they expire. Concurrent callers for the same key share one token request.
 */
export class ServiceAccountTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly opts: TokenSourceOptions) {}

  async get(key: ServiceAccountKey, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw cancelled();
    const cached = this.cache.get(key.cacheId);
    if (cached && cached.expiresAt - TOKEN_REFRESH_MARGIN_MS > this.opts.clock()) return cached.accessToken;
    let pending = this.inFlight.get(key.cacheId);
    if (!pending) {
      // The shared request is bounded by its own timeout, not by the first caller's signal: one caller
      // giving up must not fail the others waiting on the same token.
      pending = this.requestToken(key).finally(() => this.inFlight.delete(key.cacheId));
      this.inFlight.set(key.cacheId, pending);
    }
    return (await untilAborted(pending, signal)).accessToken;
  }

  /** Drops a token the API refused (revoked or expired early), unless it was already replaced. */
  invalidate(key: ServiceAccountKey, accessToken: string): void {
    if (this.cache.get(key.cacheId)?.accessToken === accessToken) this.cache.delete(key.cacheId);
  }

  private async requestToken(key: ServiceAccountKey): Promise<CachedToken> {
    const startedAt = this.opts.clock();
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: signAssertion(key, this.opts.tokenUrl, startedAt) });
    const res = await httpRequest(
      this.opts.tokenUrl,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
      { timeoutMs: this.opts.timeoutMs, service: SERVICE },
    );
    const json = parseJsonObject(res.text);
    if (res.status !== 200) throw tokenError(res.status, json, key);
    const accessToken = json?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new ProviderError({ origin: 'provider', type: 'bad_response', message: `${SERVICE} answered without an access token`, retryable: true, httpStatus: res.status });
    }
    const expiresIn = typeof json?.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 0;
    // Measured from before the request, so network time only makes the cached lifetime more conservative.
    const token = { accessToken, expiresAt: startedAt + expiresIn * 1000 };
    this.remember(key.cacheId, token);
    return token;
  }

  private remember(cacheId: string, token: CachedToken): void {
    const now = this.opts.clock();
    for (const [id, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(id);
    if (this.cache.size >= MAX_CACHED_TOKENS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cacheId, token);
  }
}

/** The signed JWT (RS256) Google exchanges for an access token; aud must be the token endpoint itself. */
export function signAssertion(key: ServiceAccountKey, tokenUrl: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope: ANALYTICS_READONLY_SCOPE, aud: tokenUrl, iat, exp: iat + ASSERTION_LIFETIME_S };
  const input = `${base64url(header)}.${base64url(claims)}`;
  const signature = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Classifies a token endpoint failure ({"error": "...", "error_description": "..."}). */
function tokenError(status: number, json: Record<string, unknown> | undefined, key: ServiceAccountKey): ProviderError {
  const code = typeof json?.error === 'string' ? json.error : undefined;
  const description = typeof json?.error_description === 'string' ? truncate(json.error_description, 200) : undefined;
  const said = code ? `${code}${description ? `: ${description}` : ''}` : `HTTP ${status}`;

  if (status === 429 || status >= 500) {
    return new ProviderError({ origin: 'provider', type: 'upstream_error', message: `${SERVICE} is unavailable (${said})`, retryable: true, httpStatus: status });
  }
  if (code === 'invalid_grant' && description && /\b(iat|exp)\b|timeframe/i.test(description)) {
    // Not the key's fault: this server's clock is off, so the assertion looks expired or from the future.
    return new ProviderError({
      origin: 'internal',
      type: 'clock_skew',
      message: `Google refused the sign-in assertion because this server's clock is wrong (${said}); check the server time`,
      retryable: true,
      httpStatus: status,
    });
  }
  if (code === 'invalid_grant' || code === 'unauthorized_client' || code === 'invalid_client') {
    return new ProviderError({
      origin: 'provider',
      type: 'auth_rejected',
      message: `Google rejected the service account key (${said}); the key may have been deleted or disabled: create a new JSON key for ${key.clientEmail} and paste it again`,
      retryable: false,
      disconnected: true,
      httpStatus: status,
    });
  }
  if (!json) {
    return new ProviderError({ origin: 'provider', type: 'bad_response', message: `${SERVICE} answered HTTP ${status} with an unreadable body`, retryable: true, httpStatus: status });
  }
  return new ProviderError({ origin: 'provider', type: 'auth_failed', message: `${SERVICE} refused the token request (${said})`, retryable: false, httpStatus: status });
}

/** Waits for a shared promise, but lets this caller stop waiting when its own signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function cancelled(): ProviderError {
  return new ProviderError({ origin: 'internal', type: 'cancelled', message: `The request to ${SERVICE} was cancelled`, retryable: true });
}
