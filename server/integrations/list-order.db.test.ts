import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Integration } from '../../shared/api/integrations';
import { compareIntegrations, INTEGRATION_SORT_KEYS, matchesSearch, searchWords, type SortOrder } from '../../shared/search/integrations';
import { createAdminSession, createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';

let s: TestServer;
let token: string;
let all: Integration[];

/** Names with ties, mixed case, non-ASCII and a long common prefix; statuses, errors and sync times set in SQL. */
const NAMES = ['beta', 'Alpha', 'alpha', 'Ärzte Praxis', 'zeta', 'Gamma ray', 'gamma', 'delta', 'Beta', 'omega', 'x'.repeat(70) + 'b', 'x'.repeat(70) + 'a'];

beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
  const tpl = await templateIds(s, token);
  const subs = [await createSubAccount(s, token, 'Zebra Dental'), await createSubAccount(s, token, 'acme Müller'), await createSubAccount(s, token, 'Birch Clinic')];
  const fbConfig = { accessToken: 'EAAB-test-token-0123456789', adAccountId: 'act_1234567890' };
  for (let n = 0; n < 24; n++) {
    if (n % 2) await createGhlIntegration(s, token, subs[n % 3], tpl.FacebookAds, NAMES[n % NAMES.length], fbConfig);
    else await createGhlIntegration(s, token, subs[n % 3], tpl.GoHighLevel, NAMES[n % NAMES.length]);
  }
  await s.database.query(`
    update integrations set
      status = (array['pending','active','error','disconnected'])[1 + id % 4],
      is_active = id % 3 = 0,
      error_message = case when id % 4 = 2 then (array['Token EXPIRED','rate limited','Ärger: timeout'])[1 + id % 3] end,
      last_sync_at = case when id % 5 <> 0 then date_trunc('milliseconds', now()) - (id % 7) * interval '1 hour' end,
      description = case when id % 6 = 0 then 'Quarterly campaign' end`);
  all = await readAll('');
}, 120_000);
afterAll(() => s.close());

async function readAll(query: string, limit = 5): Promise<Integration[]> {
  const out: Integration[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const res = await s.call('GET', `/api/integrations?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { items: Integration[]; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('the list did not end');
}

describe('GET /integrations sort and order', () => {
  for (const sort of INTEGRATION_SORT_KEYS) {
    for (const order of ['asc', 'desc'] as SortOrder[]) {
      it(`pages through ${sort} ${order} in shared/search's order, each row once`, async () => {
        const paged = await readAll(`&sort=${sort}&order=${order}`);
        const expected = [...all].sort((a, b) => compareIntegrations(a, b, sort, order));
        expect(paged.map((i) => i.id)).toEqual(expected.map((i) => i.id));
      });
    }
  }

  it('keeps newest first, with its id-only cursor, as the default', async () => {
    expect(all.map((i) => i.id)).toEqual([...all].map((i) => i.id).sort((a, b) => b - a));
    const res = await s.call('GET', '/api/integrations?limit=2', { token });
    expect(Buffer.from(res.json().nextCursor, 'base64url').toString()).toMatch(/^i:\d+$/);
  });

  it('refuses a cursor of another order, and a forged one, with a 400 on the cursor', async () => {
    const first = await s.call('GET', '/api/integrations?limit=2&sort=name&order=asc', { token });
    const cursor = first.json().nextCursor;
    const other = await s.call('GET', `/api/integrations?limit=2&sort=status&order=asc&cursor=${cursor}`, { token });
    expect(other.statusCode).toBe(400);
    expect(other.json().details[0]).toMatchObject({ path: '/querystring/cursor', message: expect.stringMatching(/another order \(name asc\)/) });
    for (const forged of [['name', 'asc', 'a'.repeat(65), 1], ['lastSync', 'asc', 'not a number', 1], ['name', 'asc', 'a', 0], { a: 1 }]) {
      const sort = Array.isArray(forged) ? forged[0] : 'name';
      const enc = Buffer.from(JSON.stringify(forged)).toString('base64url');
      const res = await s.call('GET', `/api/integrations?sort=${sort}&order=asc&cursor=${enc}`, { token });
      expect(res.statusCode, JSON.stringify(forged)).toBe(400);
    }
    expect((await s.call('GET', '/api/integrations?sort=size', { token })).statusCode).toBe(400);
  });
});

describe('GET /integrations search (shared/search/integrations.ts)', () => {
  const queries = ['alpha', 'ALPHA', 'gamma ray', 'ray gamma', 'müller', 'zebra beta', 'expired', 'ärger', 'quarterly', 'facebook', 'gohighlevel crm', '100%', 'x_', 'nothing-matches'];
  for (const q of queries) {
    it(`"${q}" finds what matchesSearch finds, counted alike`, async () => {
      const words = searchWords(q);
      const expected = all.filter((i) => matchesSearch(i, words)).map((i) => i.id);
      const found = await readAll(`&q=${encodeURIComponent(q)}`);
      expect(found.map((i) => i.id)).toEqual(expected);
      const counted = await s.call('GET', `/api/integrations?limit=1&withTotal=true&q=${encodeURIComponent(q)}`, { token });
      expect(counted.json().total).toBe(expected.length);
    });
  }

  it('searches and sorts together, inside an admin’s own subaccounts only', async () => {
    const sub = all.find((i) => i.subAccountName === 'acme Müller')!.subAccountId;
    const admin = await createAdminSession(s, token, 'limited@loctelli.test', [sub]);
    const res = await s.call('GET', '/api/integrations?limit=100&q=a&sort=subaccount&order=asc', { token: admin.token });
    const expected = all.filter((i) => i.subAccountId === sub && matchesSearch(i, ['a'])).sort((a, b) => compareIntegrations(a, b, 'subaccount', 'asc'));
    expect(res.json().items.map((i: Integration) => i.id)).toEqual(expected.map((i) => i.id));
  });
});
