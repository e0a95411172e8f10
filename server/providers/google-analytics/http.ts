import { ProviderError } from '../errors';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpOptions {
  /** Headers and body must both arrive within this time. */
  timeoutMs: number;
  /** The caller's cancellation (a sync stopped, a connection test given up). */
  signal?: AbortSignal;
  /** Who is being called, for messages: "Google Analytics", "Google sign-in". */
  service: string;
}

/**
 * One HTTP exchange, classified: a timeout, a cancellation or an unreachable host become ProviderErrors;
 * any HTTP status is returned for the caller to interpret.
 */
export async function httpRequest(url: string, init: RequestInit, opts: HttpOptions): Promise<HttpResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { ...init, signal });
    // Reading the body is covered by the same signal, so a server that stalls mid-body also times out.
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (opts.signal?.aborted) {
      throw new ProviderError({ origin: 'internal', type: 'cancelled', message: `The request to ${opts.service} was cancelled`, retryable: true });
    }
    if (timeout.aborted) {
      throw new ProviderError({
        origin: 'network',
        type: 'timeout',
        message: `${opts.service} did not answer within ${formatDuration(opts.timeoutMs)}`,
        retryable: true,
      });
    }
    throw new ProviderError({ origin: 'network', type: 'network_error', message: `Could not reach ${opts.service} (${networkReason(err)})`, retryable: true });
  }
}

/** Parses a JSON object body; undefined when the body is not a JSON object (truncated, HTML error page…). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After as milliseconds from now: either delay-seconds or an HTTP date. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

export function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function networkReason(err: unknown): string {
  // undici reports "fetch failed" with the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? 'unknown error';
}
