import type { ApiErrorDetail } from '../../../shared/api/common';
import { ProviderError } from '../errors';
import type { ConnectionTestOutcome, HandlerCallContext, IntegrationHandler, SyncContext, SyncSummary } from '../registry';
import { AnalyticsDataClient } from './client';
import { DAILY_METRICS_KIND, dailyMetricsRequest, parseDailyMetricsPage, reportStartDate } from './daily-metrics';
import { DEFAULT_RETRY_POLICY, realSleep, type RetryPolicy, type Sleep, withRetry } from './retry';
import { parseServiceAccountKey, type ServiceAccountKey } from './service-account';
import { ServiceAccountTokens } from './token';

export const TEMPLATE_NAME = 'GoogleAnalytics';
export const DEFAULT_DATA_BASE_URL = 'https://analyticsdata.googleapis.com';
export const DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const DEFAULT_TIMEOUT_MS = 15_000;
/** The Data API's own default page; it caps a page at 250,000 rows. */
export const DEFAULT_PAGE_SIZE = 10_000;
/** A daily report has one row per day, so this many pages means the paging went wrong, not a big property. */
const MAX_PAGES = 1_000;

export interface GoogleAnalyticsHandlerOptions {
  dataBaseUrl?: string;
  tokenUrl?: string;
  /** Per HTTP request (token or Data API). */
  timeoutMs?: number;
  /** Rows per runReport page. */
  pageSize?: number;
  /** Days re-read before the last sync's start date, to pick up GA's late revisions (default 0). */
  lookbackDays?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  /** Milliseconds since the epoch; drives token expiry and JWT iat/exp. */
  clock?: () => number;
}

export function createGoogleAnalyticsHandler(opts: GoogleAnalyticsHandlerOptions = {}): IntegrationHandler {
  const clock = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 250_000) throw new Error(`Google Analytics pageSize must be 1..250000, got ${pageSize}`);
  const retryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  const sleep = opts.sleep ?? realSleep;
  const tokens = new ServiceAccountTokens({ tokenUrl: httpUrl(opts.tokenUrl ?? DEFAULT_TOKEN_URL, 'tokenUrl'), timeoutMs, clock });
  const client = new AnalyticsDataClient({ baseUrl: httpUrl(opts.dataBaseUrl ?? DEFAULT_DATA_BASE_URL, 'dataBaseUrl'), timeoutMs, tokens, clock });

  return {
    templateName: TEMPLATE_NAME,

    validateConfig(config: Record<string, unknown>): ApiErrorDetail[] {
      const parsed = parseServiceAccountKey(config.serviceAccountKey);
      return parsed.ok ? [] : parsed.errors;
    },

    async testConnection(config: Record<string, unknown>, ctx: HandlerCallContext): Promise<ConnectionTestOutcome> {
      let target: Target;
      try {
        target = readConfig(config);
      } catch (err) {
        return failed(err as ProviderError, {});
      }
      const who = { property: `properties/${target.propertyId}`, serviceAccount: target.key.clientEmail };
      try {
        const metadata = await client.getMetadata(target.key, target.propertyId, ctx.signal);
        return {
          ok: true,
          status: 'active',
          message: `Connected to GA4 property ${target.propertyId} as ${target.key.clientEmail}`,
          details: { ...who, dimensions: metadata.dimensions.length, metrics: metadata.metrics.length },
        };
      } catch (err) {
        // When the caller gave up, let it report its own timeout.
        if (ctx.signal.aborted || !(err instanceof ProviderError)) throw err;
        return failed(err, who);
      }
    },

    async syncData(config: Record<string, unknown>, ctx: SyncContext): Promise<SyncSummary> {
      const { key, propertyId } = readConfig(config);
      const startDate = reportStartDate(ctx.since, opts.lookbackDays ?? 0, clock());
      let offset = 0;
      let pages = 0;
      let rowCount = 0;
      let quotaLeft: number | undefined;
      do {
        if (ctx.signal.aborted) throw new ProviderError({ origin: 'internal', type: 'cancelled', message: 'The Google Analytics sync was cancelled', retryable: true });
        if (pages >= MAX_PAGES) {
          throw new ProviderError({ origin: 'provider', type: 'bad_response', message: `Google Analytics kept paging past ${MAX_PAGES} pages`, retryable: false });
        }
        ctx.progress({ step: `Daily metrics page ${pages + 1}`, fetched: offset, total: pages ? rowCount : undefined });
        const json = await withRetry(() => client.runReport(key, propertyId, dailyMetricsRequest(startDate, offset, pageSize), ctx.signal), {
          policy: retryPolicy,
          sleep,
          signal: ctx.signal,
          onRetry: (err, delayMs) => ctx.progress({ step: `Daily metrics page ${pages + 1}: ${err.type}, retrying in ${Math.ceil(delayMs / 1000)} s` }),
        });
        const page = parseDailyMetricsPage(json);
        pages++;
        rowCount = page.rowCount;
        quotaLeft = page.tokensPerDayRemaining ?? quotaLeft;
        if (page.records.length) await ctx.upsert(page.records);
        offset += page.rows;
        ctx.progress({ step: `Daily metrics page ${pages}`, fetched: offset, total: rowCount });
        // An empty page ends the loop even if rowCount promised more, so a shrinking report cannot loop forever.
        if (page.rows === 0) break;
      } while (offset < rowCount);

      const notes = [`GA4 property ${propertyId}: ${startDate}..today, ${offset} day(s) in ${pages} page(s)`];
      if (quotaLeft !== undefined) notes.push(`${quotaLeft} property quota tokens left today`);
      return { fetched: { [DAILY_METRICS_KIND]: offset }, notes };
    },
  };
}

interface Target {
  key: ServiceAccountKey;
  propertyId: string;
}

/** The config as this handler needs it; problems are config errors, written like validateConfig's. */
function readConfig(config: Record<string, unknown>): Target {
  const parsed = parseServiceAccountKey(config.serviceAccountKey);
  if (!parsed.ok) {
    throw new ProviderError({
      origin: 'config',
      type: 'invalid_config',
      message: `The service account key ${parsed.errors.map((e) => e.message).join('; ')}`,
      retryable: false,
    });
  }
  const propertyId = typeof config.propertyId === 'string' ? config.propertyId.trim() : '';
  if (!/^[0-9]{1,20}$/.test(propertyId)) {
    throw new ProviderError({
      origin: 'config',
      type: 'invalid_config',
      message: 'The Property ID must be the numeric GA4 property id (Admin → Property settings), not the G-… measurement id',
      retryable: false,
    });
  }
  return { key: parsed.key, propertyId };
}

function failed(err: ProviderError, details: Record<string, unknown>): ConnectionTestOutcome {
  return {
    ok: false,
    status: err.disconnected ? 'disconnected' : 'error',
    message: err.message,
    details: { ...details, error: err.type, retryable: err.retryable, ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}) },
  };
}

function httpUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Google Analytics ${name} must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Google Analytics ${name} must be an http(s) URL, got "${value}"`);
  return value;
}
