import { addDays, type FakeDay, fakeDailyMetrics } from './daily-data';
import type { FakeProperty } from './state';

export const FAKE_DIMENSIONS = [{ apiName: 'date', uiName: 'Date', description: 'The date of the event, formatted as YYYYMMDD.', category: 'Time' }];
export const FAKE_METRICS = [
  { apiName: 'sessions', uiName: 'Sessions', description: 'The number of sessions that began on your site or app.', type: 'TYPE_INTEGER', category: 'Session' },
  { apiName: 'activeUsers', uiName: 'Active users', description: 'The number of distinct users who visited your site or app.', type: 'TYPE_INTEGER', category: 'User' },
  { apiName: 'newUsers', uiName: 'New users', description: 'The number of users who interacted with your site or launched your app for the first time.', type: 'TYPE_INTEGER', category: 'User' },
  { apiName: 'screenPageViews', uiName: 'Views', description: 'The number of app screens or web pages your users viewed.', type: 'TYPE_INTEGER', category: 'Page / screen' },
  { apiName: 'totalUsers', uiName: 'Total users', description: 'The number of distinct users who have logged at least one event.', type: 'TYPE_INTEGER', category: 'User' },
  { apiName: 'eventCount', uiName: 'Event count', description: 'The count of events.', type: 'TYPE_INTEGER', category: 'Event' },
] as const;

type MetricName = Exclude<keyof FakeDay, 'date'>;
const METRIC_NAMES = new Set<string>(FAKE_METRICS.map((m) => m.apiName));
/** Top-level RunReportRequest fields; Google rejects any other name. */
const REQUEST_FIELDS = new Set([
  'property', 'dimensions', 'metrics', 'dateRanges', 'dimensionFilter', 'metricFilter', 'offset', 'limit', 'metricAggregations',
  'orderBys', 'currencyCode', 'cohortSpec', 'keepEmptyRows', 'returnPropertyQuota', 'comparisons',
]);
const DEFAULT_LIMIT = 10_000;
const MAX_LIMIT = 250_000;
const DAILY_TOKENS = 200_000;

export type ReportResult = { ok: true; body: Record<string, unknown> } | { ok: false; message: string };

class Invalid extends Error {}

/**
 * runReport over the seeded days, for the request shapes this project uses (date dimension or none,
 * one date range, orderBys on date or a metric). Paging follows the API: rows [offset, offset+limit),
 * limit defaults to 10,000 and is capped at 250,000, rowCount counts the whole result, and zero-valued
 * fields (rows, rowCount) are left out of the JSON as proto3 does.
 */
export function runFakeReport(request: unknown, property: FakeProperty, today: string): ReportResult {
  try {
    return { ok: true, body: report(request, property, today) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    throw err;
  }
}

function report(request: unknown, property: FakeProperty, today: string): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new Invalid('Invalid JSON payload received. Expected an object.');
  const r = request as Record<string, unknown>;
  for (const name of Object.keys(r)) {
    if (!REQUEST_FIELDS.has(name)) throw new Invalid(`Invalid JSON payload received. Unknown name "${name}": Cannot find field.`);
  }
  const dimensions = names(r.dimensions, 'dimensions');
  const metrics = names(r.metrics, 'metrics');
  for (const d of dimensions) {
    if (d !== 'date') throw new Invalid(`Field ${d} is not a valid dimension. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema (this fake serves only the date dimension)`);
  }
  for (const m of metrics) {
    if (!METRIC_NAMES.has(m)) throw new Invalid(`Field ${m} is not a valid metric. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema`);
  }
  if (metrics.length === 0 && dimensions.length === 0) throw new Invalid('Must specify at least one dimension or metric.');

  const ranges = Array.isArray(r.dateRanges) ? r.dateRanges : [];
  if (ranges.length === 0) throw new Invalid('Must specify at least one date range.');
  if (ranges.length > 1) throw new Invalid('This fake supports one date range (the real API adds a dateRange dimension for more).');
  const range = ranges[0] as { startDate?: unknown; endDate?: unknown };
  const start = resolveDate(range.startDate, 'startDate', today);
  const end = resolveDate(range.endDate, 'endDate', today);
  if (start > end) throw new Invalid(`Invalid date range. The start date ${start} is after the end date ${end}.`);

  const limit = int64(r.limit, 'limit') || DEFAULT_LIMIT;
  const offset = int64(r.offset, 'offset');
  if (limit < 0) throw new Invalid('limit must be positive.');
  if (offset < 0) throw new Invalid('offset must be non-negative.');

  const days: FakeDay[] = [];
  for (let day = start < property.firstDay ? property.firstDay : start; day <= end && day <= today; day = addDays(day, 1)) {
    days.push(fakeDailyMetrics(day));
  }

  let rows: { date?: string; values: number[] }[];
  if (dimensions.length) {
    rows = days.map((d) => ({ date: d.date, values: metrics.map((m) => d[m as MetricName]) }));
    sortRows(rows, r.orderBys, metrics);
  } else {
    // Without dimensions the report is one row of totals (or none when the range has no data).
    rows = days.length ? [{ values: metrics.map((m) => days.reduce((sum, d) => sum + d[m as MetricName], 0)) }] : [];
  }

  const page = rows.slice(offset, offset + Math.min(limit, MAX_LIMIT));
  property.tokensConsumedToday += 1 + Math.ceil(page.length / 1000);
  const body: Record<string, unknown> = {
    dimensionHeaders: dimensions.map((name) => ({ name })),
    metricHeaders: metrics.map((name) => ({ name, type: 'TYPE_INTEGER' })),
  };
  if (page.length) {
    body.rows = page.map((row) => ({
      dimensionValues: row.date ? [{ value: row.date.replaceAll('-', '') }] : [],
      metricValues: row.values.map((v) => ({ value: String(v) })),
    }));
  }
  if (rows.length) body.rowCount = rows.length;
  body.metadata = { currencyCode: 'USD', timeZone: 'Etc/UTC' };
  if (r.returnPropertyQuota === true) {
    body.propertyQuota = {
      tokensPerDay: { consumed: property.tokensConsumedToday, remaining: Math.max(0, DAILY_TOKENS - property.tokensConsumedToday) },
      tokensPerHour: { consumed: 1, remaining: 39_999 },
      concurrentRequests: { consumed: 0, remaining: 10 },
      serverErrorsPerProjectPerHour: { consumed: 0, remaining: 10 },
      potentiallyThresholdedRequestsPerHour: { consumed: 0, remaining: 120 },
      tokensPerProjectPerHour: { consumed: 1, remaining: 13_999 },
    };
  }
  body.kind = 'analyticsData#runReport';
  return body;
}

function names(list: unknown, field: string): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Invalid(`Invalid JSON payload received. Invalid value at '${field}': expected a list.`);
  return list.map((item) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name === '') throw new Invalid(`${field} must have a name.`);
    return name;
  });
}

/** int64 fields may arrive as JSON numbers or strings. */
function int64(value: unknown, field: string): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Invalid(`Invalid JSON payload received. Invalid value at '${field}' (TYPE_INT64)`);
  return n;
}

/** YYYY-MM-DD, NdaysAgo, yesterday or today, in the property's time zone. */
function resolveDate(value: unknown, field: string, today: string): string {
  if (value === 'today') return today;
  if (value === 'yesterday') return addDays(today, -1);
  if (typeof value === 'string') {
    const ago = /^(\d+)daysAgo$/.exec(value);
    if (ago) return addDays(today, -Number(ago[1]));
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)) {
      return value;
    }
  }
  throw new Invalid(`Invalid ${field}: "${String(value)}". Dates must be YYYY-MM-DD, NdaysAgo, yesterday or today.`);
}

function sortRows(rows: { date?: string; values: number[] }[], orderBys: unknown, metrics: string[]): void {
  const orders = Array.isArray(orderBys) ? (orderBys as Record<string, unknown>[]) : [];
  const comparators = orders.map((o) => {
    const sign = o.desc === true ? -1 : 1;
    const metricName = (o.metric as { metricName?: unknown } | undefined)?.metricName;
    const dimensionName = (o.dimension as { dimensionName?: unknown } | undefined)?.dimensionName;
    if (dimensionName === 'date') return (a: (typeof rows)[0], b: (typeof rows)[0]) => sign * (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : 0);
    const at = metrics.indexOf(String(metricName));
    if (at < 0) throw new Invalid(`OrderBy ${String(dimensionName ?? metricName)} is not in the request's dimensions or metrics.`);
    return (a: (typeof rows)[0], b: (typeof rows)[0]) => sign * (a.values[at] - b.values[at]);
  });
  // Without orderBys the API's order is unspecified; like GA's reports, this fake puts the busiest rows
  // first, so a client that pages without ordering is not accidentally stable.
  if (comparators.length === 0 && metrics.length) comparators.push((a, b) => b.values[0] - a.values[0]);
  rows.sort((a, b) => {
    for (const compare of comparators) {
      const c = compare(a, b);
      if (c !== 0) return c;
    }
    return a.date! < b.date! ? -1 : 1;
  });
}
