import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminSession, createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import type { PreparedParam } from '../db/connect';
import { ListRowCache } from './list-row-cache';

let s: TestServer;
let token: string;
let tpl: Record<string, number>;
/** How many rows' JSON the database built for list pages since the last `built()` (the rest came back as versions). */
let builtRows = 0;
const built = () => {
  const n = builtRows;
  builtRows = 0;
  return n;
};

beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
  tpl = await templateIds(s, token);
  // Counts what the real list statement answers; the answer itself passes through untouched.
  const queryPrepared = s.ctx.database.queryPrepared;
  s.ctx.database.queryPrepared = async <T,>(name: string, text: string, params?: PreparedParam[]) => {
    const rows = await queryPrepared<T>(name, text, params);
    if (name.startsWith('integrations_page')) builtRows += (rows as Array<{ j: string | null }>).filter((r) => r.j !== null).length;
    return rows;
  };
});
afterAll(() => s.close());

type Item = { id: number; name: string; subAccountName: string; status: string; errorMessage: string | null; template: { displayName: string }; secretFieldsSet: string[] };

async function list(subAccountId: number, as = token): Promise<Item[]> {
  const res = await s.call('GET', `/api/integrations?subAccountId=${subAccountId}`, { token: as });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

/** Each listed integration exactly as reading it alone shows it (GET /:id never goes through the cache). */
async function expectCurrent(items: Item[]) {
  for (const item of items) expect(item).toEqual((await s.call('GET', `/api/integrations/${item.id}`, { token })).json());
}

describe('the list reuses the JSON of unchanged rows', () => {
  it('builds a row again after any change to it, its subaccount or its template, made here or elsewhere', async () => {
    const sub = await createSubAccount(s, token, 'Cache Dental');
    const ids: number[] = [];
    for (const name of ['One', 'Two', 'Three']) ids.push((await createGhlIntegration(s, token, sub, tpl.GoHighLevel, name)).id);
    built();

    const first = await list(sub);
    expect(first.map((i) => i.name)).toEqual(['Three', 'Two', 'One']);
    expect(built()).toBe(3);
    expect(await list(sub)).toEqual(first);
    expect(built()).toBe(0);

    // Through the API.
    const renamed = await s.call('PUT', `/api/integrations/${ids[1]}`, { token, body: { version: 1, name: 'Two renamed' } });
    expect(renamed.statusCode).toBe(200);
    let items = await list(sub);
    expect(items.map((i) => i.name)).toEqual(['Three', 'Two renamed', 'One']);
    expect(built()).toBe(1);
    await expectCurrent(items);

    // As a sync worker in another process writes it: nothing here is told.
    await s.database.query(`update integrations set status = 'error', error_message = 'Token expired' where id = $1`, [ids[0]]);
    items = await list(sub);
    expect(items[2]).toMatchObject({ name: 'One', status: 'error', errorMessage: 'Token expired' });
    expect(built()).toBe(1);
    await s.database.query(`update integrations set secrets = secrets - 'apiKey' where id = $1`, [ids[2]]);
    items = await list(sub);
    expect(items[0].secretFieldsSet).toEqual([]);
    expect(built()).toBe(1);
    await expectCurrent(items);

    // The subaccount's name and the template's display name are in every row.
    await s.call('PUT', `/api/subaccounts/${sub}`, { token, body: { name: 'Cache Dental East' } });
    items = await list(sub);
    expect(items.map((i) => i.subAccountName)).toEqual(['Cache Dental East', 'Cache Dental East', 'Cache Dental East']);
    expect(built()).toBe(3);
    const template = (await s.call('GET', `/api/integration-templates/${tpl.GoHighLevel}`, { token })).json();
    await s.call('PUT', `/api/integration-templates/${tpl.GoHighLevel}`, { token, body: { displayName: 'HighLevel (renamed)' } });
    try {
      items = await list(sub);
      expect(items.map((i) => i.template.displayName)).toEqual(['HighLevel (renamed)', 'HighLevel (renamed)', 'HighLevel (renamed)']);
      expect(built()).toBe(3);
    } finally {
      await s.call('PUT', `/api/integration-templates/${tpl.GoHighLevel}`, { token, body: { displayName: template.displayName } });
    }

    // Rows arriving and leaving: the page is the database's every time.
    await s.call('DELETE', `/api/integrations/${ids[1]}`, { token });
    const added = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Four');
    built();
    items = await list(sub);
    expect(items.map((i) => i.id)).toEqual([added.id, ids[2], ids[0]]);
    expect(built()).toBe(3); // the template was renamed back: every row's template tuple is new again
    expect(await list(sub)).toEqual(items);
    expect(built()).toBe(0);
    await expectCurrent(items);
  });

  it('decides which rows an admin sees on every request, cached rows or not', async () => {
    const sub = await createSubAccount(s, token, 'Scoped Co');
    await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Scoped');
    const admin = await createAdminSession(s, token, 'scoped-cache@loctelli.test', [sub]);
    expect((await list(sub, admin.token)).map((i) => i.name)).toEqual(['Scoped']);
    expect((await s.call('PUT', `/api/admins/${admin.id}`, { token, body: { subAccountIds: [] } })).statusCode).toBe(200);
    expect(await list(sub, admin.token)).toEqual([]);
    await s.call('PUT', `/api/admins/${admin.id}`, { token, body: { subAccountIds: [sub] } });
    expect((await list(sub, admin.token)).map((i) => i.name)).toEqual(['Scoped']);
  });

  it('answers the same with the cache off (LIST_CACHE_MB=0)', async () => {
    const sub = await createSubAccount(s, token, 'No Cache Inc');
    await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Uncached');
    const cached = await list(sub);
    const rows = s.ctx.listRows;
    s.ctx.listRows = new ListRowCache(0);
    try {
      built();
      expect(await list(sub)).toEqual(cached);
      expect(await list(sub)).toEqual(cached);
      expect(built()).toBe(2);
    } finally {
      s.ctx.listRows = rows;
    }
  });
});

describe('ListRowCache', () => {
  const page = (n: number, chars: number) => new Map(Array.from({ length: n }, (_, i) => [`${i}.1.1.1`, 'x'.repeat(chars)]));

  it('keeps pages within its bound, dropping the least recently used', () => {
    const cache = new ListRowCache(3_000);
    cache.store('a', page(2, 500));
    cache.store('b', page(2, 500));
    expect(cache.size).toBe(2 * (1 + 2 * (7 + 500)));
    expect(cache.lookup('a')).toBeDefined(); // now the most recently used
    cache.store('c', page(2, 500));
    expect(cache.lookup('b')).toBeUndefined();
    expect(cache.lookup('a')?.size).toBe(2);
    expect(cache.lookup('c')?.size).toBe(2);
    expect(cache.size).toBeLessThanOrEqual(3_000);
  });

  it('replaces a query\'s page and never keeps one larger than the bound', () => {
    const cache = new ListRowCache(3_000);
    cache.store('a', page(2, 500));
    cache.store('a', page(1, 100));
    expect(cache.size).toBe(1 + 7 + 100);
    cache.store('a', page(1, 5_000));
    expect(cache.lookup('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    const off = new ListRowCache(0);
    off.store('a', page(1, 1));
    expect(off.lookup('a')).toBeUndefined();
  });
});
