import { ProviderError } from '../errors';

/** GoHighLevel's error body: `{"statusCode":401,"message":"Invalid JWT"}`; validation errors carry a message array. */
export function upstreamMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const msg = Array.isArray(parsed.message) ? parsed.message.join('; ') : parsed.message ?? parsed.error;
    if (typeof msg === 'string' && msg.trim()) return msg.trim().slice(0, 300);
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall through to the raw text.
  }
  const text = body.trim();
  return text && !text.startsWith('<') ? text.slice(0, 200) : undefined;
}

export interface ErrorContext {
  /** What was being fetched, for a person: `location "abc"`, `contacts`. */
  what: string;
  locationId: string;
  /** Delay before retrying a 429, already resolved from Retry-After or the burst interval. */
  retryAfterMs?: number;
}

/** Turns a non-2xx GoHighLevel response into a ProviderError a person can act on. */
export function errorForStatus(status: number, body: string, ctx: ErrorContext): ProviderError {
  const said = upstreamMessage(body);
  const quoted = said ? `${status} ${said}` : `${status}`;
  const lower = (said ?? '').toLowerCase();

  if (status === 401) {
    // GoHighLevel answers 401 for three different causes; only a rejected token means the credentials are bad.
    if (lower.includes('version header')) {
      return new ProviderError({
        origin: 'internal',
        type: 'bad_request',
        message: `GoHighLevel refused the request's API version header (${quoted}).`,
        retryable: false,
        httpStatus: status,
      });
    }
    if (lower.includes('scope')) {
      return new ProviderError({
        origin: 'config',
        type: 'missing_scope',
        message: `The GoHighLevel token is not allowed to read ${ctx.what} (${quoted}). Edit the Private Integration and grant the scopes listed in the setup instructions.`,
        retryable: false,
        httpStatus: status,
      });
    }
    return new ProviderError({
      origin: 'provider',
      type: 'auth_rejected',
      message: `GoHighLevel rejected the API key (${quoted}). The token was revoked or copied incompletely; create a new Private Integration token.`,
      retryable: false,
      disconnected: true,
      httpStatus: status,
    });
  }
  if (status === 403) {
    return new ProviderError({
      origin: 'config',
      type: 'no_access',
      message: `The GoHighLevel token has no access to location "${ctx.locationId}" (${quoted}). Create the Private Integration inside that location, or correct the Location ID.`,
      retryable: false,
      httpStatus: status,
    });
  }
  if (status === 404) {
    return new ProviderError({
      origin: 'config',
      type: 'not_found',
      message: `GoHighLevel could not find ${ctx.what} (${quoted}). Check the ID in the integration's settings.`,
      retryable: false,
      httpStatus: status,
    });
  }
  if (status === 429) {
    return new ProviderError({
      origin: 'provider',
      type: 'rate_limited',
      message: `GoHighLevel's rate limit for location "${ctx.locationId}" was reached (${quoted}).`,
      retryable: true,
      retryAfterMs: ctx.retryAfterMs,
      httpStatus: status,
    });
  }
  if (status >= 500) {
    return new ProviderError({
      origin: 'provider',
      type: 'upstream_error',
      message: `GoHighLevel failed while returning ${ctx.what} (${quoted}); this is usually temporary.`,
      retryable: true,
      httpStatus: status,
    });
  }
  if (status === 400 || status === 422) {
    return new ProviderError({
      origin: 'config',
      type: 'invalid_request',
      message: `GoHighLevel rejected the request for ${ctx.what} (${quoted}). Check the integration's settings.`,
      retryable: false,
      httpStatus: status,
    });
  }
  return new ProviderError({
    origin: 'provider',
    type: 'upstream_error',
    message: `GoHighLevel answered ${quoted} for ${ctx.what}.`,
    retryable: false,
    httpStatus: status,
  });
}

export function badResponseError(what: string, detail: string): ProviderError {
  return new ProviderError({
    origin: 'provider',
    type: 'bad_response',
    message: `GoHighLevel returned an unreadable response for ${what} (${detail}); this is usually temporary.`,
    retryable: true,
  });
}

export function timeoutError(what: string, timeoutMs: number): ProviderError {
  return new ProviderError({
    origin: 'network',
    type: 'timeout',
    message: `GoHighLevel did not answer the request for ${what} within ${Math.round(timeoutMs / 100) / 10} s.`,
    retryable: true,
  });
}

export function cancelledError(): ProviderError {
  return new ProviderError({ origin: 'internal', type: 'cancelled', message: 'The GoHighLevel request was cancelled.', retryable: false });
}

/** The request failed below HTTP: the socket's error code (ECONNREFUSED, ECONNRESET…) is on the error or one of its causes. */
export function networkError(err: unknown, baseUrl: string): ProviderError {
  let code: string | undefined;
  let cause: unknown = err;
  for (let depth = 0; cause && depth < 4 && !code; depth++) {
    const c = cause as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof c.code === 'string') code = c.code;
    else if (Array.isArray(c.errors) && c.errors[0]) cause = c.errors[0];
    else cause = c.cause;
  }
  let host = baseUrl;
  try {
    host = new URL(baseUrl).host;
  } catch {
    // keep the raw base URL
  }
  return new ProviderError({
    origin: 'network',
    type: 'network_error',
    message: `Could not reach GoHighLevel at ${host} (${code ?? (err instanceof Error ? err.message : 'network error')}).`,
    retryable: true,
  });
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, wallNow = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - wallNow);
}
