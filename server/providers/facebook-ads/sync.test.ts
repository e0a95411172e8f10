import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { FAKE, startFakeGraph, type FakeGraph } from './fake/fake-graph';
import { fakeConfig, recordingSleep, syncContext } from './fake/test-support';
import { createFacebookAdsHandler, type FacebookAdsHandlerOptions } from './handler';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph({ campaignCount: 60, deliveringCampaigns: 3 });
});
afterEach(async () => {
  await fake.close();
});

const NOW = new Date(Date.UTC(2026, 5, 15, 12, 30));
const campaignsPath = `/v27.0/act_${FAKE.adAccountId}/campaigns`;
const insightsPath = `/v27.0/act_${FAKE.adAccountId}/insights`;

function handlerWith(opts: FacebookAdsHandlerOptions = {}) {
  const sleep = recordingSleep();
  const handler = createFacebookAdsHandler({ baseUrl: fake.url, pageSize: 25, now: () => NOW, sleep, ...opts });
  return { handler, sleep };
}

const requestsTo = (path: string) => fake.state.requests.filter((r) => r.path === path);

describe('syncData: campaigns', () => {
  it('follows paging.next through every page, once per page, without duplicates', async () => {
    const { handler, sleep } = handlerWith();
    const ctx = syncContext();
    const summary = await handler.syncData!(fakeConfig(), ctx);

    const campaignBatches = ctx.batches.filter((b) => b[0]?.kind === 'campaign');
    expect(campaignBatches.map((b) => b.length)).toEqual([25, 25, 10]);
    const ids = ctx.of('campaign').map((r) => r.externalId);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(ctx.of('campaign')[0].data).toMatchObject({ name: 'Campaign 1', status: 'ACTIVE', objective: 'OUTCOME_LEADS', daily_budget: '1000' });
    expect(summary.fetched.campaign).toBe(60);
    expect(summary.notes).toContain('60 campaigns in 3 pages');
    expect(ctx.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['Campaigns page 1', 'Campaigns page 2', 'Campaigns page 3']));

    const pages = requestsTo(campaignsPath);
    expect(pages).toHaveLength(3);
    expect(pages[0].query).toMatchObject({ fields: 'id,name,status,objective,daily_budget,created_time,updated_time', limit: '25' });
    expect(pages[0].query.after).toBeUndefined();
    expect(pages[1].query.after).toBeTruthy();
    // Graph's next links carry access_token; the client strips it and keeps using the header.
    expect(fake.state.requests.every((r) => r.tokenVia === 'header' && !('access_token' in r.query))).toBe(true);
    expect(sleep.waits).toEqual([]);
  });

  it('re-roots paging links that name another host onto the configured base URL', async () => {
    fake.state.pagingBase = 'https://graph.facebook.com';
    const { handler } = handlerWith();
    const ctx = syncContext();
    await handler.syncData!(fakeConfig(), ctx);
    expect(requestsTo(campaignsPath)).toHaveLength(3);
    expect(ctx.of('campaign')).toHaveLength(60);
  });

  it('copes with Graph returning fewer rows than asked for', async () => {
    await fake.close();
    fake = await startFakeGraph({ campaignCount: 60, maxPageSize: 20 });
    const { handler } = handlerWith({ pageSize: 100 });
    const ctx = syncContext();
    await handler.syncData!(fakeConfig(), ctx);
    expect(requestsTo(campaignsPath)).toHaveLength(3);
    expect(new Set(ctx.of('campaign').map((r) => r.externalId)).size).toBe(60);
  });
});

describe('syncData: insights window', () => {
  it('fetches the last 30 days (and today) on the first sync', async () => {
    const { handler } = handlerWith();
    const ctx = syncContext({ since: null });
    const summary = await handler.syncData!(fakeConfig(), ctx);

    const first = requestsTo(insightsPath)[0];
    expect(JSON.parse(first.query.time_range)).toEqual({ since: '2026-05-16', until: '2026-06-15' });
    expect(first.query).toMatchObject({
      level: 'campaign',
      time_increment: '1',
      fields: 'campaign_id,campaign_name,impressions,clicks,spend,reach,actions,date_start,date_stop',
    });
    // 3 delivering campaigns × 31 days, in pages of 25.
    const rows = ctx.of('insight');
    expect(rows).toHaveLength(93);
    expect(new Set(rows.map((r) => r.externalId)).size).toBe(93);
    expect(requestsTo(insightsPath)).toHaveLength(4);
    const campaignId = ctx.of('campaign')[0].externalId;
    expect(rows.find((r) => r.externalId === `${campaignId}:2026-05-16`)?.data).toMatchObject({
      campaign_id: campaignId,
      campaign_name: 'Campaign 1',
      date_start: '2026-05-16',
      date_stop: '2026-05-16',
      impressions: '1016',
      spend: '10.16',
    });
    expect(summary.fetched).toEqual({ campaign: 60, insight: 93 });
    expect(summary.notes).toContain('93 daily campaign insight rows, 2026-05-16..2026-06-15 (UTC days)');
  });

  it('fetches from the day of the last successful sync on later syncs', async () => {
    const { handler } = handlerWith();
    const ctx = syncContext({ since: new Date(Date.UTC(2026, 5, 13, 23, 59)) });
    await handler.syncData!(fakeConfig(), ctx);
    expect(JSON.parse(requestsTo(insightsPath)[0].query.time_range)).toEqual({ since: '2026-06-13', until: '2026-06-15' });
    expect(ctx.of('insight')).toHaveLength(9);
  });
});

describe('syncData: throttling', () => {
  it('waits the time Meta hints (X-Business-Use-Case-Usage) and carries on, without hammering', async () => {
    fake.state.faults.push({ kind: 'throttle', code: 80004, regainMinutes: 1, times: 1, path: '/campaigns', after: 1 });
    const { handler, sleep } = handlerWith();
    const ctx = syncContext();
    const summary = await handler.syncData!(fakeConfig(), ctx);

    expect(sleep.waits).toEqual([60_000]);
    const campaignCalls = requestsTo(campaignsPath);
    expect(campaignCalls.map((r) => r.status)).toEqual([200, 400, 200, 200]);
    expect(campaignCalls.filter((r) => r.fault === 'throttle')).toHaveLength(1);
    expect(new Set(ctx.of('campaign').map((r) => r.externalId)).size).toBe(60);
    expect(ctx.of('campaign')).toHaveLength(60);
    expect(ctx.steps.some((s) => s.step === 'Facebook is throttling; waiting 60 s')).toBe(true);
    expect(summary.notes).toContain('Facebook throttled 1 request(s); waited 60 s in total');
  });

  it('backs off on each throttled attempt and gives up after a bounded number of tries', async () => {
    fake.state.faults.push({ kind: 'throttle', code: 17, regainMinutes: 1, times: 100, path: '/act_' });
    const { handler, sleep } = handlerWith();
    const ctx = syncContext();
    const err = await handler.syncData!(fakeConfig(), ctx).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'rate_limited', retryable: true, retryAfterMs: 60_000 });
    expect(sleep.waits).toEqual([60_000, 60_000, 60_000]);
    expect(requestsTo(campaignsPath)).toHaveLength(4);
  });

  it('uses a growing default wait when Meta gives no hint (code 4)', async () => {
    fake.state.faults.push({ kind: 'throttle', code: 4, times: 2 });
    const { handler, sleep } = handlerWith();
    await handler.syncData!(fakeConfig(), syncContext());
    expect(sleep.waits).toEqual([60_000, 120_000]);
    expect(fake.state.requests.filter((r) => r.fault === 'throttle')).toHaveLength(2);
  });

  it('hands a long throttle back to the job with retryAfterMs instead of blocking a worker', async () => {
    fake.state.faults.push({ kind: 'throttle', code: 80004, regainMinutes: 30, times: 100, path: '/campaigns', after: 1 });
    const { handler, sleep } = handlerWith();
    const ctx = syncContext();
    const err = await handler.syncData!(fakeConfig(), ctx).catch((e) => e);
    expect(err).toMatchObject({ type: 'rate_limited', retryAfterMs: 30 * 60_000 });
    expect(err.message).toMatch(/^Facebook is throttling requests for the campaigns of ad account 1234567890 \(80004\/2446079: There have been too many calls to this ad-account/);
    expect(sleep.waits).toEqual([]);
    expect(requestsTo(campaignsPath)).toHaveLength(2);
    // The first page was stored before the throttle.
    expect(ctx.of('campaign')).toHaveLength(25);
  });

  it('slows down before being throttled when usage headers report ≥ 90 %', async () => {
    fake.state.usagePct = 95;
    const { handler, sleep } = handlerWith();
    const summary = await handler.syncData!(fakeConfig(), syncContext());
    // debug_token + 3 campaign pages + 4 insight pages: every call after the first is spaced out.
    expect(fake.state.requests).toHaveLength(8);
    expect(sleep.waits).toHaveLength(7);
    expect(sleep.waits.every((ms) => ms >= 2_000 && ms <= 120_000)).toBe(true);
    expect(summary.notes).toContain('peak Facebook API usage 95%');
  });
});

describe('syncData: failures', () => {
  it('retries a Graph 500 (code 1) with a short backoff', async () => {
    fake.state.faults.push({ kind: 'http500', times: 1, path: '/campaigns', after: 1 });
    const { handler, sleep } = handlerWith();
    const ctx = syncContext();
    await handler.syncData!(fakeConfig(), ctx);
    expect(sleep.waits).toEqual([1_000]);
    expect(ctx.of('campaign')).toHaveLength(60);
  });

  it('retries a connection cut mid-body as a network error', async () => {
    fake.state.faults.push({ kind: 'reset', times: 1, path: '/insights' });
    const { handler, sleep } = handlerWith();
    const ctx = syncContext();
    await handler.syncData!(fakeConfig(), ctx);
    expect(sleep.waits).toEqual([1_000]);
    expect(ctx.of('insight')).toHaveLength(93);
  });

  it('stops on truncated JSON with bad_response, keeping the pages already stored', async () => {
    fake.state.faults.push({ kind: 'truncate', times: 1, path: '/campaigns', after: 2 });
    const { handler } = handlerWith();
    const ctx = syncContext();
    const err = await handler.syncData!(fakeConfig(), ctx).catch((e) => e);
    expect(err).toMatchObject({ type: 'bad_response', origin: 'provider', retryable: true });
    expect(ctx.of('campaign')).toHaveLength(50);
    expect(requestsTo(campaignsPath)).toHaveLength(3);
  });

  it('times out a slow page with type timeout', async () => {
    fake.state.faults.push({ kind: 'slow', delayMs: 5_000, times: 1, path: '/insights' });
    const { handler } = handlerWith({ timeoutMs: 200 });
    const err = await handler.syncData!(fakeConfig(), syncContext()).catch((e) => e);
    expect(err).toMatchObject({ type: 'timeout', origin: 'network', retryable: true });
    expect(err.message).toBe('Facebook did not answer within 0.2 s (reading the insights of ad account 1234567890)');
  });

  it('marks the integration disconnected when the token is rejected mid-sync', async () => {
    const { handler } = handlerWith();
    const err = await handler.syncData!(fakeConfig({ accessToken: FAKE.expiredToken }), syncContext()).catch((e) => e);
    expect(err).toMatchObject({ type: 'auth_rejected', disconnected: true, retryable: false });
    expect(fake.state.requests).toHaveLength(1);
  });

  it('stops when the job is cancelled', async () => {
    fake.state.faults.push({ kind: 'slow', delayMs: 5_000, times: 1, path: '/campaigns' });
    const { handler } = handlerWith();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await handler.syncData!(fakeConfig(), syncContext({ signal: controller.signal })).catch((e) => e);
    expect(err).toMatchObject({ type: 'cancelled' });
  });
});
