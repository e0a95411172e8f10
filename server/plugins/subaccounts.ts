import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { ApiError, IdParams, noStatusCounts } from '../../shared/api/common';
import {
  CreateSubAccountBody,
  DeleteSubAccountQuery,
  SubAccount,
  UpdateSubAccountBody,
} from '../../shared/api/subaccounts';
import { subAccountScope } from '../auth/access';
import { diffFields, recordAudit } from '../audit/record';
import { integrations, subAccounts } from '../db/schema';
import { conflict, notFound } from '../http/errors';
import { toJson } from '../http/json';
import type { Db } from '../db/connect';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError };

const countsSelect = {
  pending: sql<number>`count(${integrations.id}) filter (where ${integrations.status} = 'pending')`.mapWith(Number),
  active: sql<number>`count(${integrations.id}) filter (where ${integrations.status} = 'active')`.mapWith(Number),
  error: sql<number>`count(${integrations.id}) filter (where ${integrations.status} = 'error')`.mapWith(Number),
  disconnected: sql<number>`count(${integrations.id}) filter (where ${integrations.status} = 'disconnected')`.mapWith(Number),
  total: sql<number>`count(${integrations.id})`.mapWith(Number),
};

async function listWithCounts(db: Db, where: ReturnType<typeof and>) {
  const rows = await db
    .select({
      id: subAccounts.id,
      name: subAccounts.name,
      description: subAccounts.description,
      createdAt: subAccounts.createdAt,
      updatedAt: subAccounts.updatedAt,
      ...countsSelect,
    })
    .from(subAccounts)
    .leftJoin(integrations, eq(integrations.subAccountId, subAccounts.id))
    .where(where)
    .groupBy(subAccounts.id)
    .orderBy(asc(subAccounts.name), asc(subAccounts.id));
  return rows.map(({ pending, active, error, disconnected, total, ...s }) => toJson({
    ...s,
    integrationCounts: { pending, active, error, disconnected, total },
  }));
}

export const subAccountsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.ctx;
  const superAdmin = { role: 'super_admin' as const };

  app.get('/subaccounts', { schema: { tags: ['subaccounts'], response: { 200: Type.Array(SubAccount), ...errors } } }, async (req) =>
    listWithCounts(db, and(subAccountScope(req.admin, subAccounts.id))),
  );

  app.get('/subaccounts/:id', { schema: { tags: ['subaccounts'], params: IdParams, response: { 200: SubAccount, ...errors } } }, async (req) => {
    const [row] = await listWithCounts(db, and(eq(subAccounts.id, req.params.id), subAccountScope(req.admin, subAccounts.id)));
    if (!row) throw notFound('Subaccount');
    return row;
  });

  app.post(
    '/subaccounts',
    { config: superAdmin, schema: { tags: ['subaccounts'], body: CreateSubAccountBody, response: { 201: SubAccount, ...errors } } },
    async (req, reply) => {
      const created = await db.transaction(async (tx) => {
        const [row] = await tx.insert(subAccounts).values({ name: req.body.name, description: req.body.description ?? null }).returning();
        await recordAudit(tx, {
          actor: req.admin, subAccountId: row.id, entity: 'subaccount', entityId: row.id, action: 'create',
          summary: `Created subaccount "${row.name}"`, diff: diffFields(null, row, ['name', 'description']),
        });
        return row;
      });
      return reply.status(201).send(toJson({ ...created, integrationCounts: noStatusCounts() }));
    },
  );

  app.put(
    '/subaccounts/:id',
    { config: superAdmin, schema: { tags: ['subaccounts'], params: IdParams, body: UpdateSubAccountBody, response: { 200: SubAccount, ...errors } } },
    async (req) => {
      await db.transaction(async (tx) => {
        const [before] = await tx.select().from(subAccounts).where(eq(subAccounts.id, req.params.id)).for('update');
        if (!before) throw notFound('Subaccount');
        const [after] = await tx
          .update(subAccounts)
          .set({ ...req.body, updatedAt: sql`now()` })
          .where(eq(subAccounts.id, before.id))
          .returning();
        await recordAudit(tx, {
          actor: req.admin, subAccountId: after.id, entity: 'subaccount', entityId: after.id, action: 'update',
          summary: `Updated subaccount "${after.name}"`, diff: diffFields(before, after, ['name', 'description']),
        });
      });
      const [row] = await listWithCounts(db, and(eq(subAccounts.id, req.params.id)));
      return row;
    },
  );

  app.delete(
    '/subaccounts/:id',
    { config: superAdmin, schema: { tags: ['subaccounts'], params: IdParams, querystring: DeleteSubAccountQuery, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await db.transaction(async (tx) => {
        const [row] = await tx.select().from(subAccounts).where(eq(subAccounts.id, req.params.id)).for('update');
        if (!row) throw notFound('Subaccount');
        const [{ n }] = await tx
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(integrations)
          .where(eq(integrations.subAccountId, row.id));
        if (n > 0 && !req.query.force) {
          throw conflict(`Subaccount "${row.name}" has ${n} integration${n === 1 ? '' : 's'}; delete them first or pass ?force=true to delete them too`);
        }
        await tx.delete(subAccounts).where(eq(subAccounts.id, row.id));
        await recordAudit(tx, {
          actor: req.admin, subAccountId: row.id, entity: 'subaccount', entityId: row.id, action: 'delete',
          summary: `Deleted subaccount "${row.name}"${n ? ` and its ${n} integrations` : ''}`,
        });
      });
      return reply.status(204).send(null);
    },
  );
};
