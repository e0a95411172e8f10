import { ProviderError } from '../errors';
import { type HttpResult, parseJsonObject, retryAfterMs, truncate } from './http';

/** Google's JSON error body: {"error": {"code": 403, "message": "...", "status": "PERMISSION_DENIED", "details": [...]}}. */
interface GoogleApiError {
  code?: number;
  message?: string;
  status?: string;
  reasons: string[];
}

export interface ErrorContext {
  clientEmail: string;
  propertyId: string;
  now: number;
}

const SERVICE = 'Google Analytics';

export function readGoogleApiError(text: string): GoogleApiError {
  const error = parseJsonObject(text)?.error;
  if (typeof error !== 'object' || error === null) return { reasons: [] };
  const e = error as Record<string, unknown>;
  const details = Array.isArray(e.details) ? e.details : [];
  return {
    code: typeof e.code === 'number' ? e.code : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
    status: typeof e.status === 'string' ? e.status : undefined,
    // google.rpc.ErrorInfo.reason tells apart causes sharing one status, e.g. SERVICE_DISABLED vs a missing grant.
    reasons: details.flatMap((d) => (typeof d === 'object' && d !== null && typeof (d as { reason?: unknown }).reason === 'string' ? [(d as { reason: string }).reason] : [])),
  };
}

/** Turns a non-2xx Data API answer into a ProviderError that says what to do about it. */
export function dataApiError(res: HttpResult, ctx: ErrorContext): ProviderError {
  const g = readGoogleApiError(res.text);
  const said = `${res.status}${g.status ? ` ${g.status}` : ''}${g.message ? `: ${truncate(g.message)}` : ''}`;
  const property = `GA4 property ${ctx.propertyId}`;
  const base = { origin: 'provider' as const, httpStatus: res.status };

  switch (res.status) {
    case 401:
      return new ProviderError({
        ...base,
        type: 'auth_rejected',
        message: `${SERVICE} did not accept the access token of ${ctx.clientEmail} (${said})`,
        retryable: false,
        disconnected: true,
      });
    case 403:
      if (g.reasons.includes('SERVICE_DISABLED') || /has not been used in project|is disabled/i.test(g.message ?? '')) {
        return new ProviderError({
          ...base,
          origin: 'config',
          type: 'api_disabled',
          message: `The Google Analytics Data API is not enabled in the service account's Google Cloud project: enable it under APIs & Services, then retry (${said})`,
          retryable: false,
        });
      }
      return new ProviderError({
        ...base,
        origin: 'config',
        type: 'no_access',
        message: `${ctx.clientEmail} cannot read ${property} (${said}). Add ${ctx.clientEmail} as a Viewer in Property access management of that property, and check the Property ID`,
        retryable: false,
      });
    case 404:
      return new ProviderError({
        ...base,
        origin: 'config',
        type: 'not_found',
        message: `${property} was not found (${said}); check the Property ID under Admin → Property settings (a number, not the G-… measurement id)`,
        retryable: false,
      });
    case 400:
      if (/propert/i.test(g.message ?? '')) {
        return new ProviderError({
          ...base,
          origin: 'config',
          type: 'not_found',
          message: `Google Analytics does not accept property ${ctx.propertyId} (${said}); check the Property ID under Admin → Property settings`,
          retryable: false,
        });
      }
      // Anything else in a request we built is our bug, not the user's: report it, do not retry.
      return new ProviderError({ ...base, origin: 'internal', type: 'invalid_request', message: `${SERVICE} refused the request (${said})`, retryable: false });
    case 429:
      return new ProviderError({
        ...base,
        type: 'rate_limited',
        message: `${SERVICE} quota for ${property} is exhausted (${said})`,
        retryable: true,
        retryAfterMs: retryAfterMs(res.headers, ctx.now),
      });
  }
  if (res.status >= 500) {
    return new ProviderError({
      ...base,
      type: 'upstream_error',
      message: `${SERVICE} failed (${said})`,
      retryable: true,
      retryAfterMs: retryAfterMs(res.headers, ctx.now),
    });
  }
  return new ProviderError({ ...base, type: 'upstream_error', message: `${SERVICE} answered ${said}`, retryable: false });
}
