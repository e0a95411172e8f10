import { ProviderError } from '../errors';

/** Waits `ms`, or rejects as soon as `signal` aborts. Injectable so backoff tests do not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff when Google gives no Retry-After; doubles each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A Retry-After longer than this is not waited out inside a sync (a daily quota resets hours later):
   * the error goes to the sync engine with its hint instead.
   */
  maxHintMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 2_000, maxDelayMs: 30_000, maxHintMs: 60_000 };

/** Runs `attempt`, retrying retryable ProviderErrors with bounded exponential backoff that honours Google's hints. */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  opts: { policy: RetryPolicy; sleep: Sleep; signal?: AbortSignal; onRetry?: (err: ProviderError, delayMs: number) => void },
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable || err.type === 'cancelled' || retry >= opts.policy.maxRetries) throw err;
      if (err.retryAfterMs !== undefined && err.retryAfterMs > opts.policy.maxHintMs) throw err;
      const delay = err.retryAfterMs ?? Math.min(opts.policy.maxDelayMs, opts.policy.baseDelayMs * 2 ** retry);
      opts.onRetry?.(err, delay);
      await opts.sleep(delay, opts.signal);
    }
  }
}

function cancelled(): ProviderError {
  return new ProviderError({ origin: 'internal', type: 'cancelled', message: 'The sync was cancelled while waiting to retry', retryable: true });
}
