import { randomBytes } from 'node:crypto';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { BUILT_IN_TEMPLATES } from '../shared/templates';
import { hashPassword } from './crypto/password';
import type { Db } from './db/connect';
import { adminUsers, integrationTemplates, subAccounts } from './db/schema';

export interface SeedOptions {
  adminEmail?: string;
  adminPassword?: string;
  adminName?: string;
}

export interface SeedResult {
  /** Set when the first super_admin was created with a generated password: show it once. */
  generatedAdmin?: { email: string; password: string };
  createdAdmin?: string;
  createdTemplates: string[];
  createdDefaultSubAccount: boolean;
}

export const DEFAULT_ADMIN_EMAIL = 'admin@loctelli.local';

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * First-start data: a super_admin when there is no admin yet, the built-in templates that are missing
 * (by name; edits made to them later are kept), and a "Default SubAccount" when there is none.
 * Idempotent: every later start changes nothing.
 */
export async function seed(db: Db, opts: SeedOptions = {}): Promise<SeedResult> {
  const result: SeedResult = { createdTemplates: [], createdDefaultSubAccount: false };
  return db.transaction(async (tx) => {
    // Serialise concurrent first starts of several processes on one PostgreSQL.
    await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
    let [owner] = await tx.select().from(adminUsers).where(eq(adminUsers.role, 'super_admin')).orderBy(asc(adminUsers.id)).limit(1);
    if (!owner) {
      const [{ n }] = await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(adminUsers);
      const email = (opts.adminEmail ?? DEFAULT_ADMIN_EMAIL).trim().toLowerCase();
      const password = opts.adminPassword ?? generatePassword();
      if (n === 0) {
        [owner] = await tx
          .insert(adminUsers)
          .values({ name: opts.adminName ?? 'Administrator', email, passwordHash: await hashPassword(password), role: 'super_admin' })
          .returning();
        result.createdAdmin = email;
        if (!opts.adminPassword) result.generatedAdmin = { email, password };
      } else {
        [owner] = await tx.select().from(adminUsers).orderBy(asc(adminUsers.id)).limit(1);
      }
    }
    // Usually all are there: one look instead of an insert (with its whole JSON Schema) per template.
    const existing = await tx
      .select({ name: integrationTemplates.name })
      .from(integrationTemplates)
      .where(inArray(integrationTemplates.name, BUILT_IN_TEMPLATES.map((t) => t.name)));
    const present = new Set(existing.map((r) => r.name));
    for (const t of BUILT_IN_TEMPLATES.filter((b) => !present.has(b.name))) {
      const inserted = await tx
        .insert(integrationTemplates)
        .values({ ...t, createdByAdminId: owner.id })
        .onConflictDoNothing({ target: integrationTemplates.name })
        .returning({ name: integrationTemplates.name });
      if (inserted.length) result.createdTemplates.push(t.name);
    }
    const [{ n: subs }] = await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(subAccounts);
    if (subs === 0) {
      await tx.insert(subAccounts).values({ name: 'Default SubAccount', description: 'Created on first start' });
      result.createdDefaultSubAccount = true;
    }
    return result;
  });
}
