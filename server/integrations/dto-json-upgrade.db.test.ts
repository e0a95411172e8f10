import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { createTestDatabase } from '../../test-support/database';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { MIGRATIONS_FOLDER, type Database } from '../db/connect';
import { seed } from '../seed';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The migrations as they were before `tag` (its journal entry and everything after it left out). */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'loctelli-migrations-'));
  dirs.push(dir);
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** Every migration applied to the same database, as a server started on the new version applies them. */
const upgrade = (database: Database) =>
  database.pglite
    ? migratePglite(drizzlePglite(database.pglite), { migrationsFolder: MIGRATIONS_FOLDER })
    : migratePg(drizzlePg(database.pool!), { migrationsFolder: MIGRATIONS_FOLDER });

it('fills in the kept JSON of every integration stored before the upgrade', async () => {
  const database = await createTestDatabase({ migrationsFolder: migrationsBefore('0007_integration_dto_json') });
  try {
    await seed(database.db, { adminEmail: 'root@loctelli.test', adminPassword: 'correct-horse-battery-1', adminName: 'Root' });
    await database.query(`insert into sub_accounts (name) values ('Old Clinic')`);
    await database.query(
      `insert into integrations (sub_account_id, integration_template_id, name, config, secrets, status, last_sync_at, created_by_admin_id)
       select s.id, t.id, 'Before ' || g, jsonb_build_object('locationId', 'Loc' || g), case when g = 1 then '{"apiKey": "v1.sealed"}'::jsonb else '{}' end,
              'active', timestamptz '2026-01-02 03:04:05.678+00', a.id
       from generate_series(1, 3) g, sub_accounts s, integration_templates t, (select min(id) as id from admin_users) a where t.name = 'GoHighLevel' and s.name = 'Old Clinic'`,
    );
    await upgrade(database);
    {
      const rows = await database.query<{ id: number; dto_json: string }>(`select id, dto_json from integrations where name like 'Before %' order by id`);
      expect(rows).toHaveLength(3);
      const dtos = rows.map((r) => JSON.parse(r.dto_json));
      expect(dtos.map((d) => [d.id, d.name, d.subAccountName, d.template.name, d.lastSyncAt])).toEqual(
        rows.map((r, i) => [r.id, `Before ${i + 1}`, 'Old Clinic', 'GoHighLevel', '2026-01-02T03:04:05.678Z']),
      );
      expect(dtos[0]).toMatchObject({ config: { locationId: 'Loc1', apiKey: SECRET_PLACEHOLDER }, secretFieldsSet: ['apiKey'] });
      expect(dtos[1]).toMatchObject({ config: { locationId: 'Loc2' }, secretFieldsSet: [] });
    }
  } finally {
    await database.close();
  }
});
