import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { Admin, CreateAdminBody, UpdateAdminBody } from '../../shared/api/admins';
import { ApiError, IdParams } from '../../shared/api/common';
import { revokeAllForAdmin } from '../auth/refresh-tokens';
import { diffFields, recordAudit, secretChanges } from '../audit/record';
import { hashPassword } from '../crypto/password';
import type { Db } from '../db/connect';
import { adminSubAccountAccess, adminUsers, subAccounts } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import { badRequest, conflict, notFound } from '../http/errors';
import { toJson } from '../http/json';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

async function loadAdmins(db: Db, id?: number) {
  const rows = await db
    .select({
      id: adminUsers.id,
      name: adminUsers.name,
      email: adminUsers.email,
      role: adminUsers.role,
      isActive: adminUsers.isActive,
      lastLoginAt: adminUsers.lastLoginAt,
      createdAt: adminUsers.createdAt,
      subAccountIds: sql<number[]>`coalesce((select array_agg(${adminSubAccountAccess.subAccountId} order by ${adminSubAccountAccess.subAccountId}) from ${adminSubAccountAccess} where ${adminSubAccountAccess.adminId} = ${adminUsers.id}), '{}')`,
    })
    .from(adminUsers)
    .where(id === undefined ? undefined : eq(adminUsers.id, id))
    .orderBy(asc(adminUsers.id));
  return rows.map((r) => ({ ...r, subAccountIds: (r.subAccountIds ?? []).map(Number) }));
}

async function loadAdminsJson(db: Db, id?: number) {
  return toJson(await loadAdmins(db, id));
}

async function assertSubAccountsExist(db: Db, ids: number[]) {
  if (ids.length === 0) return;
  const found = await db.select({ id: subAccounts.id }).from(subAccounts).where(inArray(subAccounts.id, ids));
  const known = new Set(found.map((r) => r.id));
  const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !known.has(id));
  if (missing.length) {
    throw badRequest(
      `Unknown subaccount id${missing.length > 1 ? 's' : ''}: ${missing.map((m) => m.id).join(', ')}`,
      missing.map((m) => ({ path: `/body/subAccountIds/${m.i}`, message: `subaccount ${m.id} does not exist` })),
    );
  }
}


export const adminsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.ctx;
  const superAdmin = { role: 'super_admin' as const };

  app.get('/admins', { config: superAdmin, schema: { tags: ['admins'], response: { 200: Type.Array(Admin), ...errors } } }, async () =>
    loadAdminsJson(db),
  );

  app.post(
    '/admins',
    { config: superAdmin, schema: { tags: ['admins'], body: CreateAdminBody, response: { 201: Admin, ...errors } } },
    async (req, reply) => {
      const body = req.body;
      const ids = body.subAccountIds ?? [];
      await assertSubAccountsExist(db, ids);
      const passwordHash = await hashPassword(body.password);
      let id: number;
      try {
        id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(adminUsers)
            .values({ name: body.name, email: body.email.trim().toLowerCase(), passwordHash, role: body.role ?? 'admin' })
            .returning();
          if (ids.length) await tx.insert(adminSubAccountAccess).values(ids.map((subAccountId) => ({ adminId: row.id, subAccountId })));
          await recordAudit(tx, {
            actor: req.admin, subAccountId: null, entity: 'admin', entityId: row.id, action: 'create',
            summary: `Created ${row.role} ${row.email}`,
            diff: { ...diffFields(null, { ...row, subAccountIds: ids }, ['name', 'email', 'role', 'subAccountIds']), ...secretChanges(['password']) },
          });
          return row.id;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`An admin with e-mail ${body.email} already exists`);
        throw err;
      }
      const [created] = await loadAdminsJson(db, id);
      return reply.status(201).send(created);
    },
  );

  app.put(
    '/admins/:id',
    { config: superAdmin, schema: { tags: ['admins'], params: IdParams, body: UpdateAdminBody, response: { 200: Admin, ...errors } } },
    async (req) => {
      const body = req.body;
      if (body.subAccountIds) await assertSubAccountsExist(db, body.subAccountIds);
      const passwordHash = body.password ? await hashPassword(body.password) : undefined;
      try {
        await db.transaction(async (tx) => {
          const [before] = await loadAdmins(tx, req.params.id);
          if (!before) throw notFound('Admin');
          const demotes = (body.role && body.role !== 'super_admin') || body.isActive === false;
          if (before.role === 'super_admin' && before.isActive && demotes) {
            const [{ n }] = await tx
              .select({ n: sql<number>`count(*)`.mapWith(Number) })
              .from(adminUsers)
              .where(and(eq(adminUsers.role, 'super_admin'), eq(adminUsers.isActive, true), ne(adminUsers.id, before.id)));
            if (n === 0) throw conflict('This is the last active super_admin; promote another admin first');
          }
          const set: Partial<typeof adminUsers.$inferInsert> = {};
          if (body.name !== undefined) set.name = body.name;
          if (body.email !== undefined) set.email = body.email.trim().toLowerCase();
          if (body.role !== undefined) set.role = body.role;
          if (body.isActive !== undefined) set.isActive = body.isActive;
          if (passwordHash) set.passwordHash = passwordHash;
          if (Object.keys(set).length) {
            await tx.update(adminUsers).set({ ...set, updatedAt: sql`now()` }).where(eq(adminUsers.id, before.id));
          }
          if (body.subAccountIds) {
            await tx.delete(adminSubAccountAccess).where(eq(adminSubAccountAccess.adminId, before.id));
            if (body.subAccountIds.length) {
              await tx.insert(adminSubAccountAccess).values(body.subAccountIds.map((subAccountId) => ({ adminId: before.id, subAccountId })));
            }
          }
          // A new password or a deactivation ends every existing session of that admin.
          if (passwordHash || body.isActive === false) await revokeAllForAdmin(tx, before.id);
          const after = { ...before, ...set, subAccountIds: body.subAccountIds ? [...body.subAccountIds].sort((a, b) => a - b) : before.subAccountIds };
          const diff = { ...diffFields(before, after, ['name', 'email', 'role', 'isActive', 'subAccountIds']), ...(passwordHash ? secretChanges(['password']) : {}) };
          const action = Object.keys(diff).length === 1 && diff.isActive ? (body.isActive ? 'activate' : 'deactivate') : 'update';
          await recordAudit(tx, {
            actor: req.admin, subAccountId: null, entity: 'admin', entityId: before.id, action,
            summary: `${action === 'update' ? 'Updated' : action === 'activate' ? 'Activated' : 'Deactivated'} admin ${after.email}`, diff,
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`An admin with e-mail ${body.email} already exists`);
        throw err;
      }
      const [updated] = await loadAdminsJson(db, req.params.id);
      return updated;
    },
  );
};
