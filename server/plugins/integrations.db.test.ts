import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { createAdminSession, createGhlIntegration, createSubAccount, GHL_CONFIG, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';

let s: TestServer;
let token: string;
let tpl: Record<string, number>;
let sub: number;
beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
  tpl = await templateIds(s, token);
  sub = await createSubAccount(s, token, 'Acme Dental');
});
afterAll(() => s.close());

describe('create', () => {
  it('stores a GoHighLevel integration as pending with its template and subaccount', async () => {
    const created = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Acme GHL', { ...GHL_CONFIG, calendarId: 'Cal123' });
    expect(created).toMatchObject({
      subAccountId: sub,
      subAccountName: 'Acme Dental',
      integrationTemplateId: tpl.GoHighLevel,
      template: { name: 'GoHighLevel', displayName: 'GoHighLevel CRM', category: 'CRM' },
      name: 'Acme GHL',
      status: 'pending',
      isActive: false,
      version: 1,
      config: { apiKey: SECRET_PLACEHOLDER, locationId: GHL_CONFIG.locationId, calendarId: 'Cal123' },
      secretFieldsSet: ['apiKey'],
      hasWebhookSecret: true,
      lastSyncAt: null,
      errorMessage: null,
    });
    const fetched = await s.call('GET', `/api/integrations/${created.id}`, { token });
    expect(fetched.json()).toEqual(created);
  });

  it('validates config against the template schema with field paths', async () => {
    const res = await s.call('POST', '/api/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'x', config: { locationId: 'bad id!', calendarId: 7, extra: 1 } },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['/body/config/apiKey', '/body/config/calendarId', '/body/config/extra', '/body/config/locationId']);
  });

  it('refuses the placeholder as a new secret value', async () => {
    const res = await s.call('POST', '/api/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'x', config: { ...GHL_CONFIG, apiKey: SECRET_PLACEHOLDER } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual([{ path: '/body/config/apiKey', message: 'has no stored value to keep: enter the secret' }]);
    const embedded = await s.call('POST', '/api/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: tpl.GoHighLevel, name: 'x', config: { ...GHL_CONFIG, apiKey: `abc${SECRET_PLACEHOLDER}` } },
    });
    expect(embedded.statusCode).toBe(400);
  });

  it('answers 404 for an unknown subaccount or template and 400 for a deactivated template', async () => {
    const body = { integrationTemplateId: tpl.GoHighLevel, name: 'x', config: GHL_CONFIG };
    expect((await s.call('POST', '/api/integrations', { token, body: { ...body, subAccountId: 99999 } })).statusCode).toBe(404);
    expect((await s.call('POST', '/api/integrations', { token, body: { ...body, subAccountId: sub, integrationTemplateId: 99999 } })).statusCode).toBe(404);
    await s.call('PUT', `/api/integration-templates/${tpl.GoogleAnalytics}`, { token, body: { isActive: false } });
    const res = await s.call('POST', '/api/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: tpl.GoogleAnalytics, name: 'x', config: { serviceAccountKey: '{}', propertyId: '1' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('/body/integrationTemplateId');
    await s.call('PUT', `/api/integration-templates/${tpl.GoogleAnalytics}`, { token, body: { isActive: true } });
  });
});

describe('update', () => {
  it('keeps a secret sent back as the placeholder, replaces it with a new value, and bumps the version', async () => {
    const created = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Round trip');
    const [before] = await s.database.query<{ secrets: Record<string, string> }>('select secrets from integrations where id = $1', [created.id]);

    const keep = await s.call('PUT', `/api/integrations/${created.id}`, {
      token,
      body: { version: 1, name: 'Renamed', config: { ...created.config } },
    });
    expect(keep.statusCode).toBe(200);
    expect(keep.json()).toMatchObject({ name: 'Renamed', version: 2, config: { apiKey: SECRET_PLACEHOLDER } });
    const [kept] = await s.database.query<{ secrets: Record<string, string> }>('select secrets from integrations where id = $1', [created.id]);
    expect(kept.secrets.apiKey).toBe(before.secrets.apiKey);

    const replaced = await s.call('PUT', `/api/integrations/${created.id}`, {
      token,
      body: { version: 2, config: { ...created.config, apiKey: 'pit-a-brand-new-key-999' } },
    });
    expect(replaced.json()).toMatchObject({ version: 3, status: 'pending' });
    const [after] = await s.database.query<{ secrets: Record<string, string> }>('select secrets from integrations where id = $1', [created.id]);
    expect(after.secrets.apiKey).not.toBe(before.secrets.apiKey);
    const { revealConfig } = await import('../integrations/secrets');
    const [row] = await s.database.query<{ config: Record<string, unknown>; secrets: Record<string, string> }>('select config, secrets from integrations where id = $1', [created.id]);
    expect(revealConfig(s.keyring, row.config, row.secrets).apiKey).toBe('pit-a-brand-new-key-999');
  });

  it('answers 409 with the current integration for a stale version', async () => {
    const created = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Contended');
    expect((await s.call('PUT', `/api/integrations/${created.id}`, { token, body: { version: 1, description: 'first' } })).statusCode).toBe(200);
    const stale = await s.call('PUT', `/api/integrations/${created.id}`, { token, body: { version: 1, description: 'second' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ statusCode: 409, error: 'Conflict', current: { id: created.id, version: 2, description: 'first' } });
    expect(JSON.stringify(stale.json())).not.toContain(GHL_CONFIG.apiKey);
  });

  it('rejects an invalid config without touching the stored one', async () => {
    const created = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Guarded');
    const bad = await s.call('PUT', `/api/integrations/${created.id}`, { token, body: { version: 1, config: { apiKey: SECRET_PLACEHOLDER } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ path: '/body/config/locationId', message: 'is required' }]);
    const now = (await s.call('GET', `/api/integrations/${created.id}`, { token })).json();
    expect(now).toMatchObject({ version: 1, config: created.config });
  });

  it('activates and deactivates', async () => {
    const created = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Switch');
    const on = await s.call('POST', `/api/integrations/${created.id}/activate`, { token });
    expect(on.json()).toMatchObject({ isActive: true, version: 2 });
    const again = await s.call('POST', `/api/integrations/${created.id}/activate`, { token });
    expect(again.json().version).toBe(2);
    const off = await s.call('PUT', `/api/integrations/${created.id}`, { token, body: { version: 2, isActive: false } });
    expect(off.json()).toMatchObject({ isActive: false, version: 3 });
  });
});

/** A new subaccount with two GoHighLevel integrations, one pending and one in error. */
async function subaccountWithOneFailing(name: string): Promise<number> {
  const sub = await createSubAccount(s, token, name);
  const failing = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, `${name} A`);
  await createGhlIntegration(s, token, sub, tpl.GoHighLevel, `${name} B`);
  await s.database.query(`update integrations set status = 'error' where id = $1`, [failing.id]);
  return sub;
}

describe('list, summary, delete', () => {
  it('filters, searches and pages with a cursor', async () => {
    const other = await createSubAccount(s, token, 'Paging Co');
    for (let i = 0; i < 7; i++) await createGhlIntegration(s, token, other, tpl.GoHighLevel, `Paged ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/api/integrations?subAccountId=${other}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await s.call('GET', q, { token })).json();
      seen.push(...page.items.map((i: { name: string }) => i.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['Paged 6', 'Paged 5', 'Paged 4', 'Paged 3', 'Paged 2', 'Paged 1', 'Paged 0']);

    const searched = (await s.call('GET', `/api/integrations?q=${encodeURIComponent('paged 3')}`, { token })).json();
    expect(searched.items.map((i: { name: string }) => i.name)).toEqual(['Paged 3']);
    const literal = (await s.call('GET', `/api/integrations?q=${encodeURIComponent('%')}`, { token })).json();
    expect(literal.items).toEqual([]);
    const byStatus = (await s.call('GET', `/api/integrations?status=active&subAccountId=${other}`, { token })).json();
    expect(byStatus.items).toEqual([]);
    const badCursor = await s.call('GET', '/api/integrations?cursor=zzzz', { token });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().details[0].path).toBe('/querystring/cursor');
    const badLimit = await s.call('GET', '/api/integrations?limit=5000', { token });
    expect(badLimit.json().details[0].path).toBe('/querystring/limit');
  });

  it('lists each integration exactly as reading it alone shows it', async () => {
    const sub2 = await createSubAccount(s, token, 'Same Co');
    const a = await createGhlIntegration(s, token, sub2, tpl.GoHighLevel, 'Same "quoted" \\ name', { ...GHL_CONFIG, calendarId: 'Cal9' });
    const b = await createGhlIntegration(s, token, sub2, tpl.GoHighLevel, 'Plain');
    await s.database.query(
      `update integrations set last_sync_at = '2026-11-25 10:11:12.345678+00', next_sync_at = now() + interval '1 hour', status = 'error',
         error_message = 'Rate limited (HTTP 429) — ünïcödé', sync_paused_reason = 'paused', sync_interval_minutes = 0, webhook_allowed_cidrs = '["10.0.0.0/8"]'
       where id = $1`,
      [a.id],
    );
    const listed = (await s.call('GET', `/api/integrations?subAccountId=${sub2}`, { token })).json().items;
    for (const one of [a, b]) {
      // Byte for byte: the list sends the database's JSON as it is, reading one goes through the response schema's
      // serializer, which drops unknown fields, coerces types and keeps the schema's field order.
      const alone = (await s.call('GET', `/api/integrations/${one.id}`, { token })).body;
      expect(JSON.stringify(listed.find((i: { id: number }) => i.id === one.id))).toBe(alone);
    }
    expect(listed.find((i: { id: number }) => i.id === a.id)).toMatchObject({ lastSyncAt: '2026-11-25T10:11:12.345Z', config: { apiKey: SECRET_PLACEHOLDER }, syncIntervalMinutes: 0, effectiveSyncIntervalMinutes: null });
  });

  it('answers how many integrations the filters match (withTotal), within the admin\'s subaccounts', async () => {
    const a = await createSubAccount(s, token, 'Totals A');
    const b = await createSubAccount(s, token, 'Totals B');
    for (let i = 0; i < 5; i++) await createGhlIntegration(s, token, a, tpl.GoHighLevel, `Total ${i}`);
    for (let i = 0; i < 3; i++) await createGhlIntegration(s, token, b, tpl.GoHighLevel, `Total ${i}`);
    const [first] = (await s.call('GET', `/api/integrations?subAccountId=${a}&limit=1`, { token })).json().items;
    await s.call('POST', `/api/integrations/${first.id}/activate`, { token });
    await s.database.query(`update integrations set status = 'error' where id = $1`, [first.id]);
    const total = async (query: string, as = token) => {
      const res = await s.call('GET', `/api/integrations?withTotal=true&limit=2&${query}`, { token: as });
      expect(res.statusCode).toBe(200);
      return res.json().total;
    };
    expect(await total(`subAccountId=${a}`)).toBe(5);
    expect(await total(`subAccountId=${a}&status=error`)).toBe(1);
    expect(await total(`subAccountId=${a}&status=pending`)).toBe(4);
    expect(await total(`subAccountId=${a}&templateId=${tpl.GoHighLevel}`)).toBe(5);
    expect(await total(`q=${encodeURIComponent('total 1')}&subAccountId=${b}`)).toBe(1);
    const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int as n from integrations');
    expect(await total('')).toBe(n);
    // An admin of B alone counts only B's, whatever the filters ask for.
    const scoped = await createAdminSession(s, token, 'totals-b@example.com', [b]);
    expect(await total('', scoped.token)).toBe(3);
    expect(await total(`templateId=${tpl.GoHighLevel}`, scoped.token)).toBe(3);
    // Only when asked, and a page of up to 1,000.
    const plain = (await s.call('GET', `/api/integrations?subAccountId=${a}&limit=1000`, { token })).json();
    expect(plain).not.toHaveProperty('total');
    expect(plain.items).toHaveLength(5);
    expect((await s.call('GET', '/api/integrations?limit=1001', { token })).statusCode).toBe(400);
  });

  it('summarises counts per template, within the admin\'s subaccounts', async () => {
    const c = await subaccountWithOneFailing('Templates Co');
    const mine = (await s.call('GET', `/api/integrations/summary?groupBy=template&subAccountId=${c}`, { token })).json();
    expect(mine.byTemplate).toEqual([{ integrationTemplateId: tpl.GoHighLevel, counts: { pending: 1, active: 0, error: 1, disconnected: 0, total: 2 } }]);
    expect(mine.counts.total).toBe(2);
    // Across everything: the same numbers as counting the integrations.
    const all = (await s.call('GET', '/api/integrations/summary?groupBy=template', { token })).json();
    const fresh = await s.database.query<{ t: number; n: number }>('select integration_template_id as t, count(*)::int as n from integrations group by 1 order by 1');
    expect(all.byTemplate.map((r: { integrationTemplateId: number; counts: { total: number } }) => [r.integrationTemplateId, r.counts.total])).toEqual(fresh.map((r) => [r.t, r.n]));
    // An admin of another subaccount sees none of these.
    const other = await createSubAccount(s, token, 'Templates Other');
    const scoped = await createAdminSession(s, token, 'templates-other@example.com', [other]);
    const theirs = (await s.call('GET', '/api/integrations/summary?groupBy=template', { token: scoped.token })).json();
    expect(theirs).toMatchObject({ counts: { total: 0 }, byTemplate: [] });
    expect((await s.call('GET', '/api/integrations/summary?groupBy=nope', { token })).statusCode).toBe(400);
  });

  it('summarises counts by status, overall and per subaccount', async () => {
    const mine = await subaccountWithOneFailing('Summary Co');
    const one = (await s.call('GET', `/api/integrations/summary?subAccountId=${mine}`, { token })).json();
    expect(one.counts).toEqual({ pending: 1, active: 0, error: 1, disconnected: 0, total: 2 });
    const all = (await s.call('GET', '/api/integrations/summary?groupBy=subAccount', { token })).json();
    expect(all.bySubAccount.find((r: { subAccountId: number }) => r.subAccountId === mine)).toEqual({
      subAccountId: mine, subAccountName: 'Summary Co', counts: { pending: 1, active: 0, error: 1, disconnected: 0, total: 2 },
    });
    // Every subaccount with integrations, in id order, each with its own fresh count.
    const fresh = await s.database.query<{ id: number; n: number }>('select sub_account_id as id, count(*)::int as n from integrations group by 1 order by 1');
    expect(all.bySubAccount.map((r: { subAccountId: number; counts: { total: number } }) => [r.subAccountId, r.counts.total])).toEqual(fresh.map((r) => [r.id, r.n]));
    const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int as n from integrations');
    expect(all.counts.total).toBe(n);
    // An admin whose subaccounts have no integrations: zero counts and no rows, not an error.
    const empty = await createSubAccount(s, token, 'Summary Empty');
    const scoped = await createAdminSession(s, token, 'summary-empty@example.com', [empty]);
    expect((await s.call('GET', '/api/integrations/summary?groupBy=subAccount', { token: scoped.token })).json()).toEqual({
      counts: { pending: 0, active: 0, error: 0, disconnected: 0, total: 0 }, activeSwitchOn: 0, bySubAccount: [],
    });
    const subs = (await s.call('GET', '/api/subaccounts', { token })).json();
    expect(subs.find((x: { id: number }) => x.id === mine).integrationCounts).toEqual({ pending: 1, active: 0, error: 1, disconnected: 0, total: 2 });
  });

  it('keeps the summary counters equal to a fresh count through every kind of write', async () => {
    const x = await createSubAccount(s, token, 'Counter X');
    const y = await createSubAccount(s, token, 'Counter Y');
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await createGhlIntegration(s, token, i < 3 ? x : y, tpl.GoHighLevel, `Counted ${i}`));
    await s.call('POST', `/api/integrations/${made[0].id}/activate`, { token });
    await s.call('POST', `/api/integrations/${made[1].id}/activate`, { token });
    await s.call('POST', `/api/integrations/${made[1].id}/deactivate`, { token });
    await s.call('DELETE', `/api/integrations/${made[2].id}`, { token });
    // Bulk statements, as the sync engine and migrations write them.
    await s.database.query(`update integrations set status = 'error' where sub_account_id = $1`, [x]);
    await s.database.query(`update integrations set status = 'active', last_sync_at = now() where id = $1`, [made[0].id]);
    await s.database.query(`update integrations set next_sync_at = now() where sub_account_id in ($1, $2)`, [x, y]);
    await s.database.query(
      `insert into integrations (sub_account_id, integration_template_id, name, config, created_by_admin_id, is_active)
       select $1, integration_template_id, 'Bulk ' || g, config, created_by_admin_id, g % 2 = 0 from integrations, generate_series(1, 5) g where id = $2`,
      [y, made[3].id],
    );
    expect((await s.call('DELETE', `/api/subaccounts/${y}?force=true`, { token })).statusCode).toBe(204);

    const counters = await s.database.query<{ sub_account_id: number; status: string; total: number; active_on: number }>(
      'select sub_account_id, status, total, active_on from integration_counts where total > 0 order by 1, 2',
    );
    const fresh = await s.database.query<{ sub_account_id: number; status: string; total: number; active_on: number }>(
      `select sub_account_id, status, count(*)::int as total, (count(*) filter (where is_active))::int as active_on
       from integrations group by 1, 2 order by 1, 2`,
    );
    expect(counters).toEqual(fresh);
    expect(counters.filter((r) => r.sub_account_id === x)).toEqual([
      { sub_account_id: x, status: 'active', total: 1, active_on: 1 },
      { sub_account_id: x, status: 'error', total: 1, active_on: 0 },
    ]);
    expect(counters.some((r) => r.sub_account_id === y)).toBe(false);
    const summary = (await s.call('GET', '/api/integrations/summary', { token })).json();
    expect(summary.counts.total).toBe(fresh.reduce((a, r) => a + r.total, 0));
    expect(summary.activeSwitchOn).toBe(fresh.reduce((a, r) => a + r.active_on, 0));
  });

  it('deletes, then answers 404', async () => {
    const created = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Doomed');
    expect((await s.call('DELETE', `/api/integrations/${created.id}`, { token })).statusCode).toBe(204);
    expect((await s.call('GET', `/api/integrations/${created.id}`, { token })).statusCode).toBe(404);
    expect((await s.call('DELETE', `/api/integrations/${created.id}`, { token })).statusCode).toBe(404);
  });

  it('answers a clear 422 when the template has no connection handler', async () => {
    const custom = await s.call('POST', '/api/integration-templates', {
      token,
      body: { name: 'Custom', displayName: 'Custom CRM', category: 'CRM', configSchema: { type: 'object', properties: { token: { type: 'string', writeOnly: true } } } },
    });
    const created = await s.call('POST', '/api/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: custom.json().id, name: 'Custom one', config: { token: 'secret-token-value' } },
    });
    const res = await s.call('POST', `/api/integrations/${created.json().id}/test`, { token });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/No connection handler is installed for the "Custom CRM" template/);
  });
});
