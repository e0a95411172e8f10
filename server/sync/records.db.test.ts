import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test-support/database';
import type { Database } from '../db/connect';
import { seed } from '../seed';
import { upsertRecords } from './records';

let database: Database;
let integrationId: number;

interface Stored {
  kind: string;
  externalId: string;
  data: unknown;
  lastSyncRunId: number | null;
  updatedAt: Date;
}

const stored = () =>
  database.query<Stored>(
    `select kind, external_id as "externalId", data, last_sync_run_id as "lastSyncRunId", updated_at as "updatedAt"
     from sync_records where integration_id = $1 order by kind, external_id`,
    [integrationId],
  );

beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db, { adminEmail: 'records@loctelli.test', adminPassword: 'records-password-123456', adminName: 'Records' });
  const [row] = await database.query<{ id: number }>(
    `insert into integrations (sub_account_id, integration_template_id, name, config, created_by_admin_id)
     select (select min(id) from sub_accounts), (select min(id) from integration_templates), 'Records', '{}'::jsonb, (select min(id) from admin_users)
     returning id`,
  );
  integrationId = row.id;
});

afterAll(async () => {
  await database?.close();
});

describe('upsertRecords', () => {
  it('creates, leaves unchanged rows alone, updates changed ones, and counts each by kind', async () => {
    const first = await upsertRecords(database.db, integrationId, null, [
      { kind: 'contact', externalId: 'c1', data: { name: 'Zoë', tags: ['a'], score: 1.5, nested: { ok: true } } },
      { kind: 'contact', externalId: 'c2', data: { name: 'Ann 😀', note: 'quote " and backslash \\' } },
      { kind: 'calendar', externalId: 'k1', data: { title: 'Main' } },
    ]);
    expect(first).toEqual({ contact: { fetched: 2, created: 2, updated: 0 }, calendar: { fetched: 1, created: 1, updated: 0 } });
    const before = await stored();
    expect(before.map((r) => [r.kind, r.externalId, r.data, r.lastSyncRunId])).toEqual([
      ['calendar', 'k1', { title: 'Main' }, null],
      ['contact', 'c1', { name: 'Zoë', tags: ['a'], score: 1.5, nested: { ok: true } }, null],
      ['contact', 'c2', { name: 'Ann 😀', note: 'quote " and backslash \\' }, null],
    ]);

    // The same page again: nothing rewritten, so nothing counted as updated.
    const again = await upsertRecords(database.db, integrationId, null, [
      { kind: 'contact', externalId: 'c1', data: { name: 'Zoë', tags: ['a'], score: 1.5, nested: { ok: true } } },
      { kind: 'calendar', externalId: 'k1', data: { title: 'Main' } },
    ]);
    expect(again).toEqual({ contact: { fetched: 1, created: 0, updated: 0 }, calendar: { fetched: 1, created: 0, updated: 0 } });
    expect((await stored()).map((r) => r.updatedAt.getTime())).toEqual(before.map((r) => r.updatedAt.getTime()));

    // A changed row is updated (data and the run that saw it); a new one in the same page is created.
    const [run] = await database.query<{ id: number }>(
      `insert into sync_runs (integration_id, trigger, status) values ($1, 'manual', 'running') returning id`,
      [integrationId],
    );
    const changed = await upsertRecords(database.db, integrationId, run.id, [
      { kind: 'contact', externalId: 'c2', data: { name: 'Ann B' } },
      { kind: 'contact', externalId: 'c3', data: { name: 'New' } },
    ]);
    expect(changed).toEqual({ contact: { fetched: 2, created: 1, updated: 1 } });
    const after = await stored();
    expect(after.find((r) => r.externalId === 'c2')).toMatchObject({ data: { name: 'Ann B' }, lastSyncRunId: run.id });
    expect(after.find((r) => r.externalId === 'c3')).toMatchObject({ data: { name: 'New' }, lastSyncRunId: run.id });
    expect(after.find((r) => r.externalId === 'c1')).toMatchObject({ lastSyncRunId: null });
  });

  it('stores the last version of an id that appears twice in one page', async () => {
    const counts = await upsertRecords(database.db, integrationId, null, [
      { kind: 'contact', externalId: 'dup', data: { v: 1 } },
      { kind: 'contact', externalId: 'dup', data: { v: 2 } },
    ]);
    expect(counts).toEqual({ contact: { fetched: 1, created: 1, updated: 0 } });
    expect((await stored()).find((r) => r.externalId === 'dup')?.data).toEqual({ v: 2 });
  });

  it('does nothing for an empty page', async () => {
    expect(await upsertRecords(database.db, integrationId, null, [])).toEqual({});
  });
});
