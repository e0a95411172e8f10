import { ProviderError } from '../errors';
import type { SyncRecord } from '../registry';

export const DAILY_METRICS_KIND = 'daily_metrics';
export const DAILY_METRIC_NAMES = ['sessions', 'activeUsers', 'newUsers', 'screenPageViews'] as const;
/** What the first sync reads; Data API relative dates are resolved in the property's time zone. */
export const FIRST_SYNC_START = '30daysAgo';

export interface DailyMetricsPage {
  records: SyncRecord[];
  /** Rows on this page (the records). */
  rows: number;
  /** Total rows of the whole report, independent of limit/offset. */
  rowCount: number;
  tokensPerDayRemaining?: number;
}

/**
 * The start of the report window: 30daysAgo on the first sync, otherwise the day the last successful
 * sync started (UTC), minus `lookbackDays`. Days are upserted by date, so re-reading a day is harmless,
 * and re-reading it is needed because GA keeps revising recent days.
 */
export function reportStartDate(since: Date | null, lookbackDays = 0, now = Date.now()): string {
  if (!since) return FIRST_SYNC_START;
  // A `since` in the future (clock skew) would make an invalid range; today is the latest useful start.
  const start = Math.min(since.getTime(), now) - lookbackDays * 86_400_000;
  return new Date(start).toISOString().slice(0, 10);
}

/** One page of the daily report. Ordered by date so offset paging is stable while today's row is still changing. */
export function dailyMetricsRequest(startDate: string, offset: number, limit: number) {
  return {
    dateRanges: [{ startDate, endDate: 'today' }],
    dimensions: [{ name: 'date' }],
    metrics: DAILY_METRIC_NAMES.map((name) => ({ name })),
    orderBys: [{ dimension: { dimensionName: 'date' } }],
    limit,
    offset,
    returnPropertyQuota: true,
  };
}

/** Reads a runReport answer into daily_metrics records; any shape surprise is a bad_response. */
export function parseDailyMetricsPage(json: Record<string, unknown>): DailyMetricsPage {
  const dimensionNames = headerNames(json.dimensionHeaders);
  const metricNames = headerNames(json.metricHeaders);
  const rows = json.rows === undefined ? [] : json.rows;
  if (!Array.isArray(rows)) throw badResponse('rows is not a list');
  // proto3 JSON leaves out zero values: an empty report has neither rows nor rowCount.
  const rowCount = json.rowCount === undefined ? rows.length : Number(json.rowCount);
  if (!Number.isInteger(rowCount) || rowCount < 0) throw badResponse('rowCount is not a count');
  if (rows.length === 0) return { records: [], rows: 0, rowCount, tokensPerDayRemaining: quotaRemaining(json) };

  const dateAt = dimensionNames.indexOf('date');
  if (dateAt < 0) throw badResponse('the date dimension is missing');
  const metricAt = DAILY_METRIC_NAMES.map((name) => {
    const at = metricNames.indexOf(name);
    if (at < 0) throw badResponse(`the ${name} metric is missing`);
    return at;
  });

  const records = rows.map((row: unknown): SyncRecord => {
    const r = (row ?? {}) as { dimensionValues?: { value?: unknown }[]; metricValues?: { value?: unknown }[] };
    const ymd = r.dimensionValues?.[dateAt]?.value;
    if (typeof ymd !== 'string' || !/^\d{8}$/.test(ymd)) throw badResponse('a row has no YYYYMMDD date');
    const data: Record<string, unknown> = { date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}` };
    DAILY_METRIC_NAMES.forEach((name, i) => {
      // Metric values arrive as strings ("1234"), like all int64 values in Google's JSON.
      const value = Number(r.metricValues?.[metricAt[i]]?.value);
      if (!Number.isFinite(value)) throw badResponse(`a row has no numeric ${name}`);
      data[name] = value;
    });
    return { kind: DAILY_METRICS_KIND, externalId: ymd, data };
  });
  return { records, rows: rows.length, rowCount, tokensPerDayRemaining: quotaRemaining(json) };
}

function headerNames(headers: unknown): string[] {
  if (headers === undefined) return [];
  if (!Array.isArray(headers)) throw badResponse('headers are not a list');
  return headers.map((h) => (typeof h === 'object' && h !== null && typeof (h as { name?: unknown }).name === 'string' ? (h as { name: string }).name : ''));
}

function quotaRemaining(json: Record<string, unknown>): number | undefined {
  const remaining = (json.propertyQuota as { tokensPerDay?: { remaining?: unknown } } | undefined)?.tokensPerDay?.remaining;
  return typeof remaining === 'number' ? remaining : undefined;
}

function badResponse(what: string): ProviderError {
  return new ProviderError({ origin: 'provider', type: 'bad_response', message: `Google Analytics sent an unexpected report: ${what}`, retryable: false });
}
