import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Integration } from '../../shared/api/integrations';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { createAdminSession, createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';

let s: TestServer;
let token: string;
let tpl: Record<string, number>;

beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
  tpl = await templateIds(s, token);
});
afterAll(() => s.close());

const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The DTO built from the row's columns as they are now, joined at read time: how the API built it before it was kept
 * with the row, and the oracle the trigger-kept `dto_json` must match after every kind of write.
 */
async function builtFromColumns(id: number): Promise<Record<string, unknown>> {
  const [row] = await s.database.query<{ j: Record<string, unknown> }>(
    `select row_to_json(x) as j from integrations i
       join integration_templates t on t.id = i.integration_template_id
       join sub_accounts s on s.id = i.sub_account_id
       cross join lateral (
         select coalesce(array_agg(key order by key), '{}') as names, coalesce(jsonb_object_agg(key, $2::text), '{}') as placeholders
         from jsonb_object_keys(i.secrets) key
       ) k
       cross join lateral (select i.id, i.sub_account_id as "subAccountId", s.name as "subAccountName", i.integration_template_id as "integrationTemplateId",
         json_build_object('name', t.name, 'displayName', t.display_name, 'category', t.category) as template,
         i.name, i.description, i.is_active as "isActive", i.config || k.placeholders as config, k.names as "secretFieldsSet",
         i.status, ${iso('i.last_sync_at')} as "lastSyncAt", i.error_message as "errorMessage",
         i.webhook_secret is not null as "hasWebhookSecret", '/api/webhooks/' || i.id as "webhookPath",
         i.webhook_allowed_cidrs as "webhookAllowedCidrs", i.sync_interval_minutes as "syncIntervalMinutes",
         nullif(coalesce(i.sync_interval_minutes, t.default_sync_interval_minutes), 0) as "effectiveSyncIntervalMinutes",
         ${iso('i.next_sync_at')} as "nextSyncAt", i.consecutive_failures as "consecutiveFailures", i.sync_paused_reason as "syncPausedReason",
         i.credential_health as "credentialHealth", i.provider_warnings as "warnings",
         i.version, ${iso('i.created_at')} as "createdAt", ${iso('i.updated_at')} as "updatedAt", i.created_by_admin_id as "createdByAdminId") x
     where i.id = $1`,
    [id, SECRET_PLACEHOLDER],
  );
  return row.j;
}

async function stored(id: number): Promise<string> {
  const [row] = await s.database.query<{ dto_json: string }>('select dto_json from integrations where id = $1', [id]);
  return row.dto_json;
}

/** Each integration's kept JSON is exactly the DTO of its columns now, in the DTO's field order. */
async function expectCurrent(ids: number[]) {
  for (const id of ids) {
    const text = await stored(id);
    expect(JSON.parse(text)).toEqual(await builtFromColumns(id));
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(Integration.properties));
  }
}

type Item = { id: number; name: string; subAccountName: string; status: string; errorMessage: string | null; template: { displayName: string }; secretFieldsSet: string[] };

async function list(subAccountId: number, as = token): Promise<Item[]> {
  const res = await s.call('GET', `/api/integrations?subAccountId=${subAccountId}`, { token: as });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

/** Statements run one after another on one connection (a transaction's SET LOCAL applies to the ones after it). */
async function onOneConnection(statements: string[]) {
  if (s.database.pglite) return void (await s.database.pglite.exec(statements.join(';\n')));
  const client = await s.database.pool!.connect();
  try {
    for (const text of statements) await client.query(text);
  } finally {
    client.release();
  }
}

describe('each integration keeps its API JSON with its row', () => {
  it('follows every write: the API, a worker elsewhere, its subaccount and its template', async () => {
    const sub = await createSubAccount(s, token, 'Kept Dental');
    const ids: number[] = [];
    for (const name of ['One', 'Two', 'Three']) ids.push((await createGhlIntegration(s, token, sub, tpl.GoHighLevel, name)).id);
    await expectCurrent(ids);
    const first = await list(sub);
    expect(first.map((i) => i.name)).toEqual(['Three', 'Two', 'One']);
    expect(first[0].secretFieldsSet).toEqual(['apiKey']);

    // Through the API.
    const renamed = await s.call('PUT', `/api/integrations/${ids[1]}`, { token, body: { version: 1, name: 'Two renamed', syncIntervalMinutes: 0, webhookAllowedCidrs: ['10.0.0.0/8'] } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual(JSON.parse(await stored(ids[1])));
    expect((await list(sub)).map((i) => i.name)).toEqual(['Three', 'Two renamed', 'One']);

    // As a sync worker in another process writes it.
    await s.database.query(
      `update integrations set status = 'error', error_message = 'Token expired', last_sync_at = now(), next_sync_at = now() + interval '1 hour',
         consecutive_failures = 3, sync_paused_reason = 'Paused after 3 failures' where id = $1`,
      [ids[0]],
    );
    await s.database.query(`update integrations set secrets = secrets - 'apiKey', webhook_secret = 'sealed' where id = $1`, [ids[2]]);
    const items = await list(sub);
    expect(items[2]).toMatchObject({ name: 'One', status: 'error', errorMessage: 'Token expired' });
    expect(items[0].secretFieldsSet).toEqual([]);
    await expectCurrent(ids);

    // The subaccount's name and the template's shown fields are in every row of theirs, and only theirs.
    const other = await createSubAccount(s, token, 'Other Dental');
    const elsewhere = (await createGhlIntegration(s, token, other, tpl.GoHighLevel, 'Elsewhere')).id;
    const before = await stored(elsewhere);
    expect((await s.call('PUT', `/api/subaccounts/${sub}`, { token, body: { name: 'Kept Dental East' } })).statusCode).toBe(200);
    expect((await list(sub)).map((i) => i.subAccountName)).toEqual(['Kept Dental East', 'Kept Dental East', 'Kept Dental East']);
    expect(await stored(elsewhere)).toBe(before);
    const template = (await s.call('GET', `/api/integration-templates/${tpl.GoHighLevel}`, { token })).json();
    const changed = await s.call('PUT', `/api/integration-templates/${tpl.GoHighLevel}`, { token, body: { displayName: 'HighLevel (renamed)', defaultSyncIntervalMinutes: 15 } });
    expect(changed.statusCode).toBe(200);
    try {
      expect((await list(sub)).map((i) => i.template.displayName)).toEqual(['HighLevel (renamed)', 'HighLevel (renamed)', 'HighLevel (renamed)']);
      await expectCurrent([...ids, elsewhere]);
      expect(JSON.parse(await stored(ids[0])).effectiveSyncIntervalMinutes).toBe(15);
      expect(JSON.parse(await stored(ids[1])).effectiveSyncIntervalMinutes).toBeNull(); // its own 0: not scheduled
    } finally {
      await s.call('PUT', `/api/integration-templates/${tpl.GoHighLevel}`, { token, body: { displayName: template.displayName, defaultSyncIntervalMinutes: template.defaultSyncIntervalMinutes } });
    }
    await expectCurrent([...ids, elsewhere]);

    // Rows arriving and leaving: the page is the database's every time.
    await s.call('DELETE', `/api/integrations/${ids[1]}`, { token });
    const added = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Four');
    expect((await list(sub)).map((i) => i.id)).toEqual([added.id, ids[2], ids[0]]);
    expect((await s.call('GET', `/api/integrations/${added.id}`, { token })).json()).toEqual(JSON.parse(await stored(added.id)));
  });

  it('holds the secrets\' names and the placeholder, never their values', async () => {
    const sub = await createSubAccount(s, token, 'Canary Clinic');
    const canary = 'pit-canary-7f3e9a1b2c4d';
    const { id } = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Canary', { apiKey: canary, locationId: 'LocCanary1' });
    const text = await stored(id);
    expect(text).not.toContain(canary);
    expect(JSON.parse(text).config).toEqual({ apiKey: SECRET_PLACEHOLDER, locationId: 'LocCanary1' });
    const [{ dump }] = await s.database.query<{ dump: string }>(`select string_agg(dto_json, '') as dump from integrations`);
    expect(dump).not.toContain(canary);
  });

  it('writes timestamps as toISOString does, whatever the writing session\'s time zone and date style', async () => {
    const sub = await createSubAccount(s, token, 'Zoned Co');
    const { id } = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Zoned');
    await onOneConnection([
      'begin',
      `set local timezone = 'Pacific/Chatham'`,
      `set local datestyle = 'SQL, DMY'`,
      `update integrations set last_sync_at = '2026-03-04 05:06:07.891+00' where id = ${id}`,
      'commit',
    ]);
    expect(JSON.parse(await stored(id)).lastSyncAt).toBe('2026-03-04T05:06:07.891Z');
    await expectCurrent([id]);
  });

  it('leaves a missing subaccount or template to the foreign key', async () => {
    const [{ id: adminId }] = await s.database.query<{ id: number }>('select id from admin_users order by id limit 1');
    const insert = (sub: number, template: number) =>
      s.database.query(`insert into integrations (sub_account_id, integration_template_id, name, config, created_by_admin_id) values ($1, $2, 'x', '{}', $3)`, [sub, template, adminId]);
    const sub = await createSubAccount(s, token, 'Keys Inc');
    await expect(insert(999_999, tpl.GoHighLevel)).rejects.toMatchObject({ code: '23503' });
    await expect(insert(sub, 999_999)).rejects.toMatchObject({ code: '23503' });
  });

  it('decides which rows an admin sees on every request', async () => {
    const sub = await createSubAccount(s, token, 'Scoped Co');
    await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Scoped');
    const admin = await createAdminSession(s, token, 'scoped-list@loctelli.test', [sub]);
    expect((await list(sub, admin.token)).map((i) => i.name)).toEqual(['Scoped']);
    expect((await s.call('PUT', `/api/admins/${admin.id}`, { token, body: { subAccountIds: [] } })).statusCode).toBe(200);
    expect(await list(sub, admin.token)).toEqual([]);
    await s.call('PUT', `/api/admins/${admin.id}`, { token, body: { subAccountIds: [sub] } });
    expect((await list(sub, admin.token)).map((i) => i.name)).toEqual(['Scoped']);
  });

  it.runIf(process.env.TEST_DB === 'postgres')('keeps no stale name when an integration is added while its subaccount is renamed', async () => {
    const sub = await createSubAccount(s, token, 'Before Rename');
    const [{ id: adminId }] = await s.database.query<{ id: number }>('select id from admin_users order by id limit 1');
    const renamer = await s.database.pool!.connect();
    const adder = await s.database.pool!.connect();
    try {
      await renamer.query('begin');
      await renamer.query(`update sub_accounts set name = 'After Rename' where id = $1`, [sub]);
      // Added while the rename is not committed: it must wait for it, not keep the name it would read now.
      const adding = adder.query<{ id: number }>(
        `insert into integrations (sub_account_id, integration_template_id, name, config, created_by_admin_id) values ($1, $2, 'Concurrent', '{}', $3) returning id`,
        [sub, tpl.GoHighLevel, adminId],
      );
      await new Promise((r) => setTimeout(r, 200));
      await renamer.query('commit');
      const { rows } = await adding;
      expect(JSON.parse(await stored(rows[0].id)).subAccountName).toBe('After Rename');
      await expectCurrent([rows[0].id]);
    } finally {
      renamer.release();
      adder.release();
    }
  });
});
