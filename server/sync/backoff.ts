/**
 * Exponential backoff with full jitter (AWS architecture blog), never sooner than the provider's own hint
 * (Retry-After, Facebook's estimated_time_to_regain_access), capped.
 */
export function retryDelayMs(attempt: number, hintMs: number | undefined, opts: { baseMs: number; maxMs: number; random?: () => number }): number {
  const random = opts.random ?? Math.random;
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  return Math.min(Math.max(jittered, hintMs ?? 0), Math.max(opts.maxMs, hintMs ?? 0));
}
