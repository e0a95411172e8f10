import { ProviderError } from '../errors';
import { deprecatedVersionError } from './api-version';
import type { GraphUsage } from './usage-headers';

/** Graph's error body: {"error":{"message","type","code","error_subcode","fbtrace_id",...}}. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** Throttling codes: app (4), user (17), page (32), custom (613), app limit (341), Business Use Case (80000–80014). */
export function isThrottleCode(code: number | undefined): boolean {
  return code === 4 || code === 17 || code === 32 || code === 341 || code === 613 || (code !== undefined && code >= 80000 && code <= 80014);
}

/** Used when Meta throttles without saying for how long (e.g. code 4 with only X-App-Usage). */
export const DEFAULT_THROTTLE_WAIT_MS = 60_000;

/**
 * Meta's own estimate of when a throttle lifts: the BUC header's estimated_time_to_regain_access, else
 * (for the ad-account-level codes) X-Ad-Account-Usage's reset_time_duration. Undefined when Meta gave none.
 */
export function throttleHintMs(code: number | undefined, usage: GraphUsage): number | undefined {
  if (usage.regainMs > 0) return usage.regainMs;
  const accountLevel = code === 17 || code === 613 || code === 80004;
  if (accountLevel && usage.accountResetMs && usage.accountResetMs > 0) return usage.accountResetMs;
  return undefined;
}

export function extractGraphError(body: unknown): GraphErrorBody | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const err = (body as { error?: unknown }).error;
  if (!err || typeof err !== 'object') return undefined;
  const e = err as Record<string, unknown>;
  return {
    message: typeof e.message === 'string' ? e.message : undefined,
    type: typeof e.type === 'string' ? e.type : undefined,
    code: typeof e.code === 'number' ? e.code : Number.isFinite(Number(e.code)) ? Number(e.code) : undefined,
    error_subcode: typeof e.error_subcode === 'number' ? e.error_subcode : undefined,
    is_transient: e.is_transient === true,
    error_user_msg: typeof e.error_user_msg === 'string' ? e.error_user_msg : undefined,
    fbtrace_id: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : undefined,
  };
}

/** "(190: Error validating access token: …)": Meta's own words, without its "(#200) " prefix, bounded. */
function quote(e: GraphErrorBody): string {
  const text = (e.message ?? e.error_user_msg ?? 'no message').replace(/^\(#\d+\)\s*/, '').replace(/\s+/g, ' ').trim();
  const bounded = text.length > 300 ? `${text.slice(0, 297)}…` : text;
  return `(${e.code ?? '?'}${e.error_subcode ? `/${e.error_subcode}` : ''}: ${bounded})`;
}

/**
 * Classifies a Graph error so the sync engine knows whether to retry, wait, disconnect or ask the
 * user to fix the config. `what` names the object being read ("ad account 123") for the message.
 */
export function mapGraphError(e: GraphErrorBody, httpStatus: number, usage: GraphUsage, what: string, apiVersion = 'this version'): ProviderError {
  const code = e.code;
  // 2635: "You are calling a deprecated version of the Ads API" — retrying on the same version can never succeed.
  if (code === 2635) return deprecatedVersionError(apiVersion, quote(e), httpStatus);
  // 190 is the documented "access token expired/invalid" code; 102 (session) and 104 (no token) mean the same for us.
  if (code === 190 || code === 102 || code === 104) {
    return new ProviderError({
      origin: 'config', type: 'auth_rejected', retryable: false, disconnected: true, httpStatus,
      message: `Facebook rejected the access token ${quote(e)}. Generate a new token and update the integration.`,
    });
  }
  if (isThrottleCode(code)) {
    const retryAfterMs = throttleHintMs(code, usage) ?? DEFAULT_THROTTLE_WAIT_MS;
    return new ProviderError({
      origin: 'provider', type: 'rate_limited', retryable: true, retryAfterMs, httpStatus,
      message: `Facebook is throttling requests for ${what} ${quote(e)}; retry in about ${Math.ceil(retryAfterMs / 60_000)} min.`,
    });
  }
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return new ProviderError({
      origin: 'config', type: 'no_access', retryable: false, httpStatus,
      message: `Facebook denied access to ${what} ${quote(e)}. Give the token's user access to it with the ads_read permission (and leads_retrieval for lead forms).`,
    });
  }
  if (code === 100 && /appsecret_proof/i.test(e.message ?? '')) {
    return new ProviderError({
      origin: 'config', type: 'invalid_config', retryable: false, httpStatus,
      message: `Facebook refused the App Secret ${quote(e)}: it must belong to the app that issued the access token.`,
    });
  }
  // 803 "aliases do not exist"; 100/33 "Object with ID … does not exist, cannot be loaded due to missing permissions…".
  if (code === 803 || (code === 100 && (e.error_subcode === 33 || /does not exist|unknown path/i.test(e.message ?? '')))) {
    return new ProviderError({
      origin: 'config', type: 'not_found', retryable: false, httpStatus,
      message: `Facebook could not find ${what}, or the token cannot see it ${quote(e)}. Check the id and that the token's user has access.`,
    });
  }
  if (code === 1 || code === 2 || e.is_transient || httpStatus >= 500) {
    return new ProviderError({
      origin: 'provider', type: 'upstream_error', retryable: true, httpStatus,
      message: `Facebook had a temporary problem reading ${what} ${quote(e)}.`,
    });
  }
  return new ProviderError({
    origin: 'provider', type: 'request_rejected', retryable: false, httpStatus,
    message: `Facebook rejected the request for ${what} ${quote(e)}.`,
  });
}
