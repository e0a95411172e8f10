/**
 * Meta reports how close a caller is to being throttled in three response headers (all JSON):
 *  - X-App-Usage: {"call_count","total_cputime","total_time"} percentages for the app (platform limits);
 *  - X-Business-Use-Case-Usage: {"<business id>": [{"type","call_count","total_cputime","total_time",
 *    "estimated_time_to_regain_access" (minutes)}]} for Marketing API calls (BUC limits);
 *  - X-Ad-Account-Usage: {"acc_id_util_pct", "reset_time_duration" (seconds)} per ad account.
 * Throttling starts when any percentage reaches 100.
 */
export interface GraphUsage {
  /** Highest utilisation percentage found in any header (0 when none was sent). */
  maxPct: number;
  /** Longest `estimated_time_to_regain_access`, in ms (0 when not throttled). */
  regainMs: number;
  /** Ad account usage reset time, in ms, when reported. */
  accountResetMs?: number;
}

type HeaderGetter = { get(name: string): string | null };

function parseJson(raw: string | null): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    // A garbled usage header must never fail the request it came with.
    return undefined;
  }
}

function num(v: unknown): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function pctOf(entry: unknown): number {
  if (!entry || typeof entry !== 'object') return 0;
  const e = entry as Record<string, unknown>;
  return Math.max(num(e.call_count), num(e.total_cputime), num(e.total_time));
}

export function parseUsageHeaders(headers: HeaderGetter): GraphUsage {
  let maxPct = 0;
  let regainMs = 0;
  let accountResetMs: number | undefined;

  maxPct = Math.max(maxPct, pctOf(parseJson(headers.get('x-app-usage'))));

  const buc = parseJson(headers.get('x-business-use-case-usage'));
  if (buc && typeof buc === 'object') {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      for (const entry of Array.isArray(entries) ? entries : [entries]) {
        maxPct = Math.max(maxPct, pctOf(entry));
        if (entry && typeof entry === 'object') {
          regainMs = Math.max(regainMs, num((entry as Record<string, unknown>).estimated_time_to_regain_access) * 60_000);
        }
      }
    }
  }

  const account = parseJson(headers.get('x-ad-account-usage'));
  if (account && typeof account === 'object') {
    const a = account as Record<string, unknown>;
    maxPct = Math.max(maxPct, num(a.acc_id_util_pct));
    if (a.reset_time_duration !== undefined) accountResetMs = num(a.reset_time_duration) * 1000;
  }
  return { maxPct, regainMs, accountResetMs };
}

/**
 * How long to pause before the next call so that we slow down before Meta throttles us, rather than
 * after. Below `thresholdPct` nothing; above it, Meta's own hint when it gave one, else a pause that
 * grows with utilisation (2 s at 90 % up to 30 s at 100 %).
 */
export function slowdownDelayMs(usage: GraphUsage, thresholdPct = 90): number {
  if (usage.maxPct < thresholdPct) return 0;
  if (usage.regainMs > 0) return usage.regainMs;
  const linear = Math.round(2_000 + ((Math.min(usage.maxPct, 100) - thresholdPct) / Math.max(100 - thresholdPct, 1)) * 28_000);
  if (usage.accountResetMs && usage.maxPct >= 100) return Math.max(usage.accountResetMs, linear);
  return linear;
}
