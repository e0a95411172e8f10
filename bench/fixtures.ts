import type { Database } from '../server/db/connect';
import { seed } from '../server/seed';

export const BENCH_ADMIN = { email: 'bench@loctelli.test', password: 'bench-password-123456' };

/** Seeds templates and the super_admin, and returns ids benchmarks build rows from. */
export async function seedBase(database: Database) {
  await seed(database.db, { adminEmail: BENCH_ADMIN.email, adminPassword: BENCH_ADMIN.password, adminName: 'Bench' });
  const [admin] = await database.query<{ id: number }>(`select id from admin_users order by id limit 1`);
  const templates = await database.query<{ id: number; name: string }>(`select id, name from integration_templates`);
  const [sub] = await database.query<{ id: number }>(`select id from sub_accounts order by id limit 1`);
  return { adminId: admin.id, subAccountId: sub.id, templateIds: Object.fromEntries(templates.map((t) => [t.name, t.id])) as Record<string, number> };
}

/** Inserts `count` plain integrations (no secrets) of one template in one subaccount, returning their ids. */
export async function insertIntegrations(database: Database, base: Awaited<ReturnType<typeof seedBase>>, template: string, count: number, subAccountId = base.subAccountId): Promise<number[]> {
  const rows = await database.query<{ id: number }>(
    `insert into integrations (sub_account_id, integration_template_id, name, config, created_by_admin_id)
     select $1, $2, 'bench ' || g, '{}'::jsonb, $3 from generate_series(1, $4) g returning id`,
    [subAccountId, base.templateIds[template], base.adminId, count],
  );
  return rows.map((r) => r.id);
}

