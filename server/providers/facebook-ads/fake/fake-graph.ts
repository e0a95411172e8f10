import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultLead, makeCampaigns, type FakeAdAccount, type FakeCampaign, type FakeLead, type FakePage } from './fake-data';
import * as E from './graph-errors';
import type { FakeResponse, GraphErrorInit } from './graph-errors';
import { route } from './routes';
import { marketingApiVersionState, latestMarketingApiVersion } from '../../../../shared/meta-api-versions';

/**
 * A local stand-in for graph.facebook.com built from Meta's documented behaviour: Bearer or
 * access_token auth, Graph's error bodies (HTTP 400, OAuthException 190 with WWW-Authenticate…),
 * cursor paging whose `next` links embed the access token, usage headers on every response, and
 * switchable faults (throttling, truncated JSON, resets, slowness, 500s). Test code only.
 *
 * Versions, as Meta documents them (developers.facebook.com … marketing-api/overview/versioning; changelog/versions;
 * developers blog 2024-04-16 "Upcoming change in Marketing API version deprecation to enable version auto-upgrade"):
 * a call on a version that the table (shared/meta-api-versions.ts) lists as expired on the fake's `today` is served
 * by the latest version with an `X-Ad-Api-Version-Warning` header when its endpoint did not change between versions,
 * and fails with `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version:
 * vNN.0` when it did (`changedEndpoints`).
 *
 * Tokens, as the Graph API reference for GET /debug_token documents them: `input_token` is inspected with an app
 * token (`{app-id}|{app-secret}`) or a token of the same app; the answer is {data:{app_id, type, application,
 * data_access_expires_at, expires_at (0 = never), is_valid, issued_at, scopes, user_id}}, and for a dead token
 * is_valid false with an `error` object. GET /app answers the token's app ({id, name}).
 */

export interface FakeToken {
  status: 'valid' | 'expired';
  scopes: string[];
  /** Ad account ids (digits) the token's user can see; all when absent. */
  adAccounts?: string[];
  /** Unix seconds; 0 or absent = never expires (a system-user token). */
  expiresAt?: number;
  dataAccessExpiresAt?: number;
  type?: 'USER' | 'SYSTEM_USER' | 'PAGE';
}

interface FaultBase {
  /** How many matching requests it applies to. */
  times: number;
  /** Only requests whose path contains this. */
  path?: string;
  /** Let this many matching requests through first. */
  after?: number;
}

export type FakeFault = FaultBase &
  (
    | { kind: 'throttle'; code: number; regainMinutes?: number }
    | { kind: 'slow'; delayMs: number }
    | { kind: 'truncate' }
    | { kind: 'reset' }
    | { kind: 'http500' }
    | { kind: 'graphError'; error: GraphErrorInit; status?: number }
  );

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Where the token came from: the Authorization header or the access_token parameter. */
  tokenVia: 'header' | 'query' | null;
  status?: number;
  fault?: FakeFault['kind'];
}

export interface FakeGraphState {
  tokens: Record<string, FakeToken>;
  adAccounts: FakeAdAccount[];
  campaigns: Map<string, FakeCampaign[]>;
  pages: FakePage[];
  leads: Map<string, FakeLead>;
  /** Utilisation reported in the usage headers (percent). */
  usagePct: number;
  faults: FakeFault[];
  requests: FakeRequest[];
  appSecret?: string;
  requireAppSecretProof: boolean;
  maxPageSize: number;
  /** Origin used in paging links (default: the fake's own); set to Graph's to check links are re-rooted. */
  pagingBase?: string;
  /** The fake's calendar for version expiry (default: the real clock). */
  today: () => Date;
  /** Edges ("insights", "campaigns", or "" for a node itself) that changed in the version after an expired one: 2635 instead of an upgrade. */
  changedEndpoints: string[];
}

export const FAKE = {
  validToken: 'EAAGfakeValidToken000000001',
  expiredToken: 'EAAGfakeExpiredToken0000001',
  noAdsReadToken: 'EAAGfakeNoAdsReadToken00001',
  adAccountId: '1234567890',
  disabledAdAccountId: '2222222222',
  pageId: '1098765432',
  businessId: '555000111',
  appSecret: '0123456789abcdef0123456789abcdef',
  appId: '987654321012345',
} as const;

export interface FakeGraphOptions {
  tokens?: Record<string, FakeToken>;
  adAccounts?: FakeAdAccount[];
  pages?: FakePage[];
  /** Campaigns per ad account (default 60). */
  campaignCount?: number;
  /** How many of them have insights (default 3). */
  deliveringCampaigns?: number;
  leads?: FakeLead[];
  maxPageSize?: number;
  usagePct?: number;
  appSecret?: string;
  requireAppSecretProof?: boolean;
  today?: () => Date;
  changedEndpoints?: string[];
}

export interface FakeGraph {
  url: string;
  state: FakeGraphState;
  close(): Promise<void>;
}

function defaultState(o: FakeGraphOptions): FakeGraphState {
  const adAccounts = o.adAccounts ?? [
    { id: FAKE.adAccountId, name: 'Acme Ads', account_status: 1, currency: 'USD', timezone_name: 'America/New_York', businessId: FAKE.businessId },
    { id: FAKE.disabledAdAccountId, name: 'Old Ads', account_status: 2, currency: 'EUR', timezone_name: 'Europe/Paris', businessId: FAKE.businessId },
  ];
  const campaigns = new Map(adAccounts.map((a) => [a.id, makeCampaigns(a.id, o.campaignCount ?? 60, o.deliveringCampaigns ?? 3)]));
  const firstCampaign = campaigns.get(adAccounts[0]?.id ?? '')?.[0]?.id ?? '0';
  const leads = o.leads ?? [defaultLead(FAKE.pageId, firstCampaign)];
  return {
    tokens: o.tokens ?? {
      [FAKE.validToken]: { status: 'valid', type: 'SYSTEM_USER', scopes: ['ads_read', 'read_insights', 'leads_retrieval', 'pages_show_list', 'pages_read_engagement'] },
      [FAKE.expiredToken]: { status: 'expired', scopes: ['ads_read'] },
      [FAKE.noAdsReadToken]: { status: 'valid', scopes: ['pages_show_list'] },
    },
    adAccounts,
    campaigns,
    pages: o.pages ?? [{ id: FAKE.pageId, name: 'Acme Page' }],
    leads: new Map(leads.map((l) => [l.id, l])),
    usagePct: o.usagePct ?? 5,
    faults: [],
    requests: [],
    appSecret: o.appSecret ?? FAKE.appSecret,
    requireAppSecretProof: o.requireAppSecretProof ?? false,
    maxPageSize: o.maxPageSize ?? 100,
    today: o.today ?? (() => new Date()),
    changedEndpoints: o.changedEndpoints ?? [],
  };
}

/** A token of the fake's app: `{app-id}|{app-secret}`. */
export function appToken(state: Pick<FakeGraphState, 'appSecret'>): string {
  return `${FAKE.appId}|${state.appSecret}`;
}

function takeFault(state: FakeGraphState, path: string): FakeFault | undefined {
  for (const f of state.faults) {
    if (f.times <= 0 || (f.path && !path.includes(f.path))) continue;
    if ((f.after ?? 0) > 0) {
      f.after!--;
      continue;
    }
    f.times--;
    return f;
  }
  return undefined;
}

/** X-App-Usage always; for ad account calls also X-Business-Use-Case-Usage and X-Ad-Account-Usage. */
function usageHeaders(state: FakeGraphState, segments: string[], throttle?: { code: number; regainMinutes?: number }): Record<string, string> {
  const pct = throttle ? 100 : state.usagePct;
  const headers: Record<string, string> = {
    'X-App-Usage': JSON.stringify({ call_count: throttle?.code === 4 ? 100 : Math.min(pct, 99), total_cputime: Math.max(0, pct - 5), total_time: Math.max(0, pct - 3) }),
  };
  const account = state.adAccounts.find((a) => `act_${a.id}` === segments[0]);
  if (account) {
    const type = segments[1] === 'insights' ? 'ads_insights' : 'ads_management';
    headers['X-Business-Use-Case-Usage'] = JSON.stringify({
      [account.businessId]: [
        {
          type,
          call_count: throttle && throttle.code !== 4 ? 104 : pct,
          total_cputime: Math.max(0, pct - 10),
          total_time: Math.max(0, pct - 8),
          estimated_time_to_regain_access: throttle?.code !== 4 ? (throttle?.regainMinutes ?? 0) : 0,
          ads_api_access_tier: 'development_access',
        },
      ],
    });
    headers['X-Ad-Account-Usage'] = JSON.stringify({ acc_id_util_pct: pct, reset_time_duration: pct >= 90 ? 120 : 0, ads_api_access_tier: 'development_access' });
  }
  return headers;
}

function tokenOf(req: IncomingMessage, query: Record<string, string>): { token?: string; via: FakeRequest['tokenVia'] } {
  const auth = req.headers.authorization;
  const m = auth ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth) : null;
  if (m) return { token: m[1], via: 'header' };
  if (query.access_token) return { token: query.access_token, via: 'query' };
  return { via: null };
}

export async function startFakeGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  const state = defaultState(opts);
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const { token, via } = tokenOf(req, query);
    const record: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query, tokenVia: via };
    state.requests.push(record);
    const fault = takeFault(state, url.pathname);
    if (fault) record.fault = fault.kind;

    if (fault?.kind === 'slow') {
      const stillThere = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), fault.delayMs);
        timers.add(t);
        res.on('close', () => {
          clearTimeout(t);
          resolve(false);
        });
      });
      if (!stillThere) return;
    }

    const m = /^\/(v\d+\.\d+)\/(.*)$/.exec(url.pathname);
    const version = m?.[1] ?? 'v27.0';
    const segments = (m ? m[2] : url.pathname.slice(1)).split('/').filter(Boolean).map(decodeURIComponent);

    let r: FakeResponse;
    let throttle: { code: number; regainMinutes?: number } | undefined;
    const isAppToken = !!token && !!state.appSecret && token === appToken(state);
    const known: FakeToken | undefined = isAppToken ? { status: 'valid', scopes: [] } : token ? state.tokens[token] : undefined;
    const versionState = marketingApiVersionState(version, state.today());
    const servedVersion = versionState.state === 'expired' ? latestMarketingApiVersion(state.today()).version : version;
    const extraHeaders: Record<string, string> = {};
    if (req.method !== 'GET') r = E.graphError({ message: `Unsupported ${req.method?.toLowerCase()} request.`, type: 'GraphMethodException', code: 100 });
    else if (!token) r = E.tokenRequired();
    else if (!known) r = E.unparsableToken();
    else if (known.status === 'expired') r = E.expiredToken();
    else if (query.appsecret_proof && state.appSecret && query.appsecret_proof !== createHmac('sha256', state.appSecret).update(token).digest('hex')) r = E.invalidAppSecretProof();
    // An app token carries the secret itself, so "Require App Secret" is met without a proof.
    else if (state.requireAppSecretProof && !query.appsecret_proof && !isAppToken) r = E.appSecretProofRequired();
    else if (versionState.state === 'expired' && state.changedEndpoints.includes(segments[1] ?? '')) r = E.deprecatedVersion(servedVersion);
    else if (fault?.kind === 'throttle') {
      throttle = fault;
      r = E.throttled(fault.code);
    } else if (fault?.kind === 'http500') r = E.unknownError();
    else if (fault?.kind === 'graphError') r = E.graphError(fault.error, fault.status ?? 400);
    else {
      if (servedVersion !== version) extraHeaders['X-Ad-Api-Version-Warning'] = `The call has been auto-upgraded to ${servedVersion} as ${version} is deprecated.`;
      try {
        r = route(state, { version, segments, query, token: known, tokenString: token, appToken: isAppToken, publicBase: state.pagingBase ?? `http://${req.headers.host}` });
      } catch (err) {
        r = { status: 500, body: { fake_graph_error: (err as Error).message } };
      }
    }

    record.status = r.status;
    const text = JSON.stringify(r.body);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=UTF-8',
      'facebook-api-version': servedVersion,
      'x-fb-trace-id': randomBytes(8).toString('base64url'),
      'x-fb-rev': '1012345678',
      ...usageHeaders(state, segments, throttle),
      ...extraHeaders,
      ...r.headers,
    };
    if (fault?.kind === 'truncate') {
      // A well-framed but cut body: what a proxy or a dropped upstream leaves behind.
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      res.writeHead(r.status, { ...headers, 'Content-Length': String(Buffer.byteLength(cut)) }).end(cut);
    } else if (fault?.kind === 'reset') {
      res.writeHead(r.status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
    } else {
      res.writeHead(r.status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) }).end(text);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ fake_graph_error: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
