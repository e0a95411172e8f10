import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl } from './index';

/** The fake must behave like GoHighLevel where the client depends on it. */
let fake: FakeGhl;
beforeAll(async () => {
  fake = await startFakeGhl({ locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts: 120 }], rateLimit: { max: 5, intervalMs: 60_000 } });
});
afterAll(async () => {
  await fake.close();
});

interface Page {
  contacts: Array<{ id: string; dateAdded: string }>;
  meta: { startAfterId: string; startAfter: number; [k: string]: unknown };
}

const get = (path: string, headers: Record<string, string> = { Authorization: `Bearer ${FAKE_VALID_TOKEN}`, Version: '2021-07-28' }) =>
  fetch(`${fake.url}${path}`, { headers });

describe('fake GoHighLevel API', () => {
  it('requires a known Bearer token, then the Version header', async () => {
    const noToken = await get(`/locations/${FAKE_LOCATION_ID}`, { Version: '2021-07-28' });
    expect([noToken.status, await noToken.json()]).toEqual([401, { statusCode: 401, message: 'Invalid JWT' }]);
    const noVersion = await get(`/locations/${FAKE_LOCATION_ID}`, { Authorization: `Bearer ${FAKE_VALID_TOKEN}` });
    expect([noVersion.status, await noVersion.json()]).toEqual([401, { statusCode: 401, message: 'version header was not found.' }]);
  });

  it('paginates contacts with meta cursors, reports the budget and answers 429 past it', async () => {
    const first = await get(`/contacts/?locationId=${FAKE_LOCATION_ID}&limit=100`);
    expect(first.headers.get('x-ratelimit-max')).toBe('5');
    expect(first.headers.get('x-ratelimit-interval-milliseconds')).toBe('60000');
    expect(first.headers.get('x-ratelimit-limit-daily')).toBe('200000');
    const remainingAfterFirst = Number(first.headers.get('x-ratelimit-remaining'));
    const page1 = (await first.json()) as Page;
    expect(page1.contacts).toHaveLength(100);
    expect(page1.meta).toMatchObject({ total: 120, startAfterId: page1.contacts[99].id, currentPage: 1, nextPage: 2, prevPage: null });
    expect(page1.meta.startAfter).toBe(Date.parse(page1.contacts[99].dateAdded));

    const second = await get(`/contacts/?locationId=${FAKE_LOCATION_ID}&limit=100&startAfterId=${page1.meta.startAfterId}&startAfter=${page1.meta.startAfter}`);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remainingAfterFirst - 1);
    const page2 = (await second.json()) as Page;
    expect(page2.contacts).toHaveLength(20);
    expect(page2.meta).toMatchObject({ nextPage: null, nextPageUrl: null });

    const tooBig = await get(`/contacts/?locationId=${FAKE_LOCATION_ID}&limit=101`);
    expect(tooBig.status).toBe(422);

    let last: Response | undefined;
    for (let i = 0; i < 5; i++) last = await get(`/calendars/?locationId=${FAKE_LOCATION_ID}`);
    expect(last!.status).toBe(429);
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fake.state.tooManyRequests).toBeGreaterThan(0);
  });
});
