import { eq, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { adminSubAccountAccess } from '../db/schema';
import type { AuthenticatedAdmin } from '../context';

/**
 * The SQL condition limiting `column` (a sub_account_id) to what the admin may access; undefined for a
 * super_admin, who may access every subaccount.
 */
export function subAccountScope(admin: AuthenticatedAdmin, column: AnyColumn | SQL): SQL | undefined {
  if (admin.role === 'super_admin') return undefined;
  return sql`${column} in (select ${adminSubAccountAccess.subAccountId} from ${adminSubAccountAccess} where ${adminSubAccountAccess.adminId} = ${admin.id})`;
}

export async function canAccessSubAccount(db: Db, admin: AuthenticatedAdmin, subAccountId: number): Promise<boolean> {
  if (admin.role === 'super_admin') return true;
  const rows = await db
    .select({ id: adminSubAccountAccess.subAccountId })
    .from(adminSubAccountAccess)
    .where(sql`${adminSubAccountAccess.adminId} = ${admin.id} and ${eq(adminSubAccountAccess.subAccountId, subAccountId)}`);
  return rows.length > 0;
}

/**
 * `subAccountScope` for plain SQL text: the condition limiting `column` to the admin's subaccounts, or null
 * for a super_admin. `param` adds a bound value and returns its placeholder (`$n`).
 */
export function subAccountScopeSql(admin: AuthenticatedAdmin, column: string, param: (value: unknown) => string): string | null {
  if (admin.role === 'super_admin') return null;
  return `${column} in (select sub_account_id from admin_sub_account_access where admin_id = ${param(admin.id)})`;
}
