import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { startFakeGraph, type FakeGraph } from './fake/fake-graph';
import { fakeConfig, recordingSleep, syncContext } from './fake/test-support';
import { createFacebookAdsHandler } from './handler';

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph({ today: () => new Date('2026-12-08T10:00:00Z') });
});
afterEach(async () => {
  await fake.close();
});

const call = (apiVersion: string) => ({ signal: new AbortController().signal, apiVersion });

describe('Marketing API versions', () => {
  it('refuses to call a version the table lists as expired, naming it, the current one and how to move', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, now: () => new Date('2026-12-08T10:00:00Z') });
    const outcome = await handler.testConnection(fakeConfig(), call('v21.0'));
    expect(outcome).toMatchObject({ ok: false, status: 'error', details: { error: { type: 'api_version_expired', retryable: false } } });
    expect(outcome.message).toBe(
      "Facebook's Marketing API v21.0 expired on 2025-09-09, so it is no longer called. The current version is v27.0; a super_admin can move the Facebook Advertising template to it (console: Dashboard → Needs attention → Move to; API: POST /api/integration-templates/:id/api-version).",
    );
    const err = await handler.syncData!(fakeConfig(), syncContext({ apiVersion: 'v21.0' })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'api_version_expired', retryable: false });
    expect(fake.state.requests).toHaveLength(0);
  });

  it("maps Meta's 2635 (deprecated version, endpoint changed) to a non-retryable error naming the version", async () => {
    // Our table still believed in v24.0 (a day before its expiry) while Meta's calendar had passed it.
    fake.state.changedEndpoints = ['insights'];
    const sleep = recordingSleep();
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, sleep, now: () => new Date('2026-11-09T10:00:00Z') });
    const err = await handler.syncData!(fakeConfig(), syncContext({ apiVersion: 'v24.0' })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'api_version_deprecated', retryable: false, origin: 'config' });
    expect(err.message).toMatch(/^Facebook refused Marketing API v24\.0 as deprecated \(2635: You are calling a deprecated version of the Ads API\. Please update to the latest version: v27\.0\.\)\. Move to v27\.0/);
    expect(sleep.waits).toEqual([]);
    expect(fake.state.requests.filter((r) => r.path.endsWith('/insights'))).toHaveLength(1);
  });

  it('records an auto-upgraded call (X-Ad-Api-Version-Warning) as a warning on the sync and the test', async () => {
    const handler = createFacebookAdsHandler({ baseUrl: fake.url, sleep: recordingSleep(), now: () => new Date('2026-11-09T10:00:00Z') });
    const summary = await handler.syncData!(fakeConfig(), syncContext({ apiVersion: 'v24.0' }));
    expect(summary.fetched.campaign).toBe(60);
    expect(summary.health?.warnings).toEqual([
      {
        code: 'api_version_upgraded',
        message: expect.stringMatching(/^Facebook ran calls made on Marketing API v24\.0 on a newer version instead \("The call has been auto-upgraded to v27\.0 as v24\.0 is deprecated\."\)\. Move to v27\.0/),
        at: '2026-11-09T10:00:00.000Z',
      },
    ]);
    const outcome = await handler.testConnection(fakeConfig(), call('v24.0'));
    expect(outcome.ok).toBe(true);
    expect(outcome.health?.warnings?.[0]).toMatchObject({ code: 'api_version_upgraded' });

    const current = await handler.testConnection(fakeConfig(), call('v27.0'));
    expect(current.health?.warnings).toEqual([]);
  });
});
