import { daysBetween, insightRow, type FakeAdAccount, type FakeCampaign } from './fake-data';
import * as E from './graph-errors';
import type { FakeResponse } from './graph-errors';
import { FAKE, type FakeGraphState, type FakeToken } from './fake-graph';

export interface RouteRequest {
  version: string;
  /** Path after the version, split: ["act_123", "campaigns"]. */
  segments: string[];
  query: Record<string, string>;
  token: FakeToken;
  tokenString: string;
  /** The request carries the app token ({app-id}|{app-secret}): only debug_token and app answer it. */
  appToken: boolean;
  /** http://127.0.0.1:port, for absolute paging links as Graph sends them. */
  publicBase: string;
}

const AD_ACCOUNT_FIELDS = ['id', 'account_id', 'name', 'account_status', 'currency', 'timezone_name', 'business'];
const CAMPAIGN_FIELDS = ['id', 'account_id', 'name', 'status', 'effective_status', 'objective', 'daily_budget', 'created_time', 'updated_time'];
const INSIGHT_FIELDS = ['account_id', 'campaign_id', 'campaign_name', 'impressions', 'clicks', 'spend', 'reach', 'actions', 'date_start', 'date_stop'];
const PAGE_FIELDS = ['id', 'name'];
const LEAD_FIELDS = ['id', 'created_time', 'field_data', 'form_id', 'ad_id', 'campaign_id'];

/** Picks the requested `fields` (Graph always adds `id` on nodes), or reports the first unknown one as Graph does. */
function pick(obj: Record<string, unknown>, query: Record<string, string>, known: string[], defaults: string[], nodeType: string, always: string[] = ['id']): Record<string, unknown> | FakeResponse {
  const wanted = query.fields ? query.fields.split(',').map((f) => f.trim()).filter(Boolean) : defaults;
  const unknown = wanted.find((f) => !known.includes(f));
  if (unknown) return E.nonexistingField(unknown, nodeType);
  const out: Record<string, unknown> = {};
  for (const f of [...wanted, ...always]) if (f in obj) out[f] = obj[f];
  return out;
}

function isResponse(x: unknown): x is FakeResponse {
  return !!x && typeof x === 'object' && 'status' in x && 'body' in x;
}

const ok = (body: unknown): FakeResponse => ({ status: 200, body });

function encodeCursor(index: number): string {
  return Buffer.from(`fake-cursor:${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  const m = /^fake-cursor:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** Graph's cursor paging: {data, paging:{cursors:{before,after}, previous?, next?}}; `next` repeats the query and the access token. */
function paged(state: FakeGraphState, items: Record<string, unknown>[], req: RouteRequest): FakeResponse {
  const limit = Math.min(Math.max(Number(req.query.limit) || 25, 1), state.maxPageSize);
  let start = 0;
  if (req.query.after) {
    const i = decodeCursor(req.query.after);
    if (i === null) return E.invalidParam('Invalid cursor');
    start = i + 1;
  } else if (req.query.before) {
    const i = decodeCursor(req.query.before);
    if (i === null) return E.invalidParam('Invalid cursor');
    start = Math.max(0, i - limit);
  }
  const data = items.slice(start, start + limit);
  if (data.length === 0) return ok({ data: [] });
  const cursors = { before: encodeCursor(start), after: encodeCursor(start + data.length - 1) };
  const link = (cursor: Record<string, string>) => {
    const url = new URL(`${req.publicBase}/${req.version}/${req.segments.join('/')}`);
    url.searchParams.set('access_token', req.tokenString);
    for (const [k, v] of Object.entries(req.query)) if (!['after', 'before', 'access_token', 'appsecret_proof'].includes(k)) url.searchParams.set(k, v);
    for (const [k, v] of Object.entries(cursor)) url.searchParams.set(k, v);
    return url.href;
  };
  const paging: Record<string, unknown> = { cursors };
  if (start > 0) paging.previous = link({ before: cursors.before });
  if (start + data.length < items.length) paging.next = link({ after: cursors.after });
  return ok({ data, paging });
}

function adAccountNode(a: FakeAdAccount): Record<string, unknown> {
  return {
    id: `act_${a.id}`,
    account_id: a.id,
    name: a.name,
    account_status: a.account_status,
    currency: a.currency,
    timezone_name: a.timezone_name,
    business: { id: a.businessId, name: `${a.name} Business` },
  };
}

function campaignNode(c: FakeCampaign): Record<string, unknown> {
  const { delivering: _delivering, ...node } = c;
  return node;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function insights(state: FakeGraphState, account: FakeAdAccount, req: RouteRequest): FakeResponse {
  const level = req.query.level ?? 'account';
  if (!['account', 'campaign', 'adset', 'ad'].includes(level)) return E.invalidParam('Param level must be one of {ad, adset, campaign, account}');
  if (level !== 'account' && level !== 'campaign') throw new Error(`the fake Graph API does not implement insights level=${level}`);
  let since: string;
  let until: string;
  if (req.query.time_range) {
    let range: { since?: unknown; until?: unknown };
    try {
      range = JSON.parse(req.query.time_range);
    } catch {
      return E.invalidParam('Param time_range must be a JSON-encoded dictionary');
    }
    if (typeof range?.since !== 'string' || typeof range?.until !== 'string' || !DAY.test(range.since) || !DAY.test(range.until)) {
      return E.invalidParam('Param time_range must have since and until dates formatted as YYYY-MM-DD');
    }
    if (range.since > range.until) return E.invalidParam('Param time_range: since must be on or before until');
    ({ since, until } = range as { since: string; until: string });
  } else {
    // Graph's default date_preset is last_30d: the 30 days before today.
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    since = new Date(today - 30 * 86_400_000).toISOString().slice(0, 10);
    until = new Date(today - 86_400_000).toISOString().slice(0, 10);
  }
  const earliest = new Date();
  earliest.setUTCMonth(earliest.getUTCMonth() - 37);
  if (since < earliest.toISOString().slice(0, 10)) {
    return E.graphError({ message: '(#3018) The start date of the time range cannot be beyond 37 months from the current date', type: 'OAuthException', code: 3018 });
  }
  const wanted = req.query.fields ? req.query.fields.split(',').map((f) => f.trim()) : ['impressions', 'spend'];
  const unknown = wanted.find((f) => !INSIGHT_FIELDS.includes(f));
  if (unknown) return E.nonexistingField(unknown, 'AdsInsights');

  const campaigns = state.campaigns.get(account.id) ?? [];
  const daily = req.query.time_increment === '1';
  const days = daysBetween(since, until);
  const rows: Record<string, unknown>[] = [];
  for (const bucket of daily ? days.map((d) => [d]) : [days]) {
    const perCampaign = campaigns
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.delivering)
      .map(({ c, i }) => sumRows(bucket.map((d) => insightRow(c, i, d)), bucket[0], bucket[bucket.length - 1]));
    if (level === 'campaign') rows.push(...perCampaign);
    else if (perCampaign.length) rows.push(sumRows(perCampaign, bucket[0], bucket[bucket.length - 1]));
  }
  const shaped = rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const f of [...wanted, 'date_start', 'date_stop']) if (f in r) out[f] = r[f];
    return out;
  });
  return paged(state, shaped, req);
}

/** Adds rows up (for time_increment=all_days or level=account), keeping Graph's string metrics. */
function sumRows(rows: Record<string, unknown>[], start: string, stop: string): Record<string, unknown> {
  if (rows.length === 1) return rows[0];
  const total = (k: string) => rows.reduce((s, r) => s + Number(r[k] ?? 0), 0);
  const actions = new Map<string, number>();
  for (const r of rows) for (const a of (r.actions as { action_type: string; value: string }[]) ?? []) actions.set(a.action_type, (actions.get(a.action_type) ?? 0) + Number(a.value));
  return {
    ...rows[0],
    impressions: String(total('impressions')),
    clicks: String(total('clicks')),
    spend: total('spend').toFixed(2),
    reach: String(total('reach')),
    actions: [...actions].map(([action_type, value]) => ({ action_type, value: String(value) })),
    date_start: start,
    date_stop: stop,
  };
}

/** Serves the subset of Graph this provider uses: ad accounts, their campaigns and insights, Pages and leads. */
export function route(state: FakeGraphState, req: RouteRequest): FakeResponse {
  const [node, edge, ...rest] = req.segments;
  if (!node) return E.unknownPath('');
  if (rest.length) return E.unknownPath(rest.join('/'));
  if (node === 'debug_token' && edge === undefined) return debugToken(state, req);
  if (node === 'app' && edge === undefined) return ok({ id: FAKE.appId, name: 'Loctelli Fake App' });
  if (req.appToken) return E.unsupportedGet(node);

  if (node.startsWith('act_')) {
    const account = state.adAccounts.find((a) => `act_${a.id}` === node);
    if (!account || (req.token.adAccounts && !req.token.adAccounts.includes(account.id))) return E.unsupportedGet(node);
    if (!req.token.scopes.includes('ads_read') && !req.token.scopes.includes('ads_management')) return E.missingAdsRead();
    if (edge === undefined) {
      const picked = pick(adAccountNode(account), req.query, AD_ACCOUNT_FIELDS, ['id'], 'AdAccount');
      return isResponse(picked) ? picked : ok(picked);
    }
    if (edge === 'campaigns') {
      const items: Record<string, unknown>[] = [];
      for (const c of state.campaigns.get(account.id) ?? []) {
        const picked = pick(campaignNode(c), req.query, CAMPAIGN_FIELDS, ['id'], 'Campaign');
        if (isResponse(picked)) return picked;
        items.push(picked);
      }
      return paged(state, items, req);
    }
    if (edge === 'insights') return insights(state, account, req);
    return E.unknownPath(edge);
  }

  const page = state.pages.find((p) => p.id === node);
  if (page && edge === undefined) {
    const picked = pick({ ...page }, req.query, PAGE_FIELDS, ['name'], 'Page');
    return isResponse(picked) ? picked : ok(picked);
  }
  const lead = state.leads.get(node);
  if (lead && edge === undefined) {
    if (!req.token.scopes.includes('leads_retrieval')) return E.missingLeadsRetrieval();
    const { page_id: _pageId, ...node_ } = lead;
    const picked = pick(node_, req.query, LEAD_FIELDS, ['created_time'], 'Lead');
    return isResponse(picked) ? picked : ok(picked);
  }
  return E.unsupportedGet(node);
}

/** GET /debug_token?input_token=…: metadata of the inspected token (Graph API reference, debug_token). */
function debugToken(state: FakeGraphState, req: RouteRequest): FakeResponse {
  const input = req.query.input_token;
  if (!input) return E.graphError({ message: '(#100) The parameter input_token is required', type: 'OAuthException', code: 100 });
  // A token may inspect only itself; the app token any token of the app.
  if (!req.appToken && input !== req.tokenString) {
    return E.graphError({ message: '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app', type: 'OAuthException', code: 100 });
  }
  const t = state.tokens[input];
  if (!t) return ok({ data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, scopes: [] } });
  const base = { app_id: FAKE.appId, type: t.type ?? 'USER', application: 'Loctelli Fake App', user_id: '100000000000001', scopes: t.scopes };
  if (t.status === 'expired') {
    return ok({ data: { ...base, is_valid: false, expires_at: t.expiresAt ?? 1717545600, error: { code: 190, message: 'Error validating access token: Session has expired on Tuesday, 04-Jun-24 05:00:00 PDT.', subcode: 463 } } });
  }
  return ok({
    data: { ...base, is_valid: true, issued_at: 1764547200, expires_at: t.expiresAt ?? 0, data_access_expires_at: t.dataAccessExpiresAt ?? 0 },
  });
}
