import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES } from '../shared/templates';
import type { Database } from './db/connect';
import { seed } from './seed';
import { createTestDatabase } from '../test-support/database';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const opts = { adminEmail: 'owner@loctelli.test', adminPassword: 'owner-password-12', adminName: 'Owner' };

describe('seed', () => {
  it('creates the first admin, the built-in templates and a subaccount once, then only what is missing', async () => {
    const first = await seed(database.db, opts);
    expect(first.createdAdmin).toBe('owner@loctelli.test');
    expect(first.createdTemplates.sort()).toEqual(BUILT_IN_TEMPLATES.map((t) => t.name).sort());
    expect(first.createdDefaultSubAccount).toBe(true);

    const again = await seed(database.db, opts);
    expect(again).toEqual({ createdTemplates: [], createdDefaultSubAccount: false });

    // An edited built-in template is kept as edited; a deleted one comes back (and only that one).
    const [kept, removed] = BUILT_IN_TEMPLATES;
    await database.query(`update integration_templates set display_name = 'Renamed by an admin' where name = $1`, [kept.name]);
    await database.query(`delete from integration_templates where name = $1`, [removed.name]);
    const repaired = await seed(database.db, opts);
    expect(repaired.createdTemplates).toEqual([removed.name]);
    const rows = await database.query<{ name: string; display_name: string }>('select name, display_name from integration_templates order by name');
    expect(rows.map((r) => r.name).sort()).toEqual(BUILT_IN_TEMPLATES.map((t) => t.name).sort());
    expect(rows.find((r) => r.name === kept.name)?.display_name).toBe('Renamed by an admin');
    const [{ n }] = await database.query<{ n: number }>('select count(*)::int n from admin_users');
    expect(n).toBe(1);
  });
});
