import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { AuditPage, ListAuditQuery } from '../../shared/api/audit';
import { ApiError } from '../../shared/api/common';
import { subAccountScope } from '../auth/access';
import { auditLog } from '../db/schema';
import { decodeCursor, pageOf } from '../http/cursor';
import { toJson } from '../http/json';

export const auditPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.ctx;
  app.get(
    '/audit-log',
    { schema: { tags: ['audit'], querystring: ListAuditQuery, response: { 200: AuditPage, 400: ApiError, 401: ApiError } } },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 50;
      const afterId = decodeCursor(q.cursor);
      // An admin sees the history of their own subaccounts and of the shared template catalog.
      const scope = subAccountScope(req.admin, auditLog.subAccountId);
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            scope ? or(scope, eq(auditLog.entity, 'template')) : undefined,
            q.subAccountId === undefined ? undefined : eq(auditLog.subAccountId, q.subAccountId),
            q.entity === undefined ? undefined : eq(auditLog.entity, q.entity),
            q.entityId === undefined ? undefined : eq(auditLog.entityId, q.entityId),
            afterId === undefined ? undefined : lt(auditLog.id, afterId),
            // Admin entries (who may do what) are for super_admins only.
            req.admin.role === 'super_admin' ? undefined : sql`${auditLog.entity} <> 'admin'`,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(limit + 1);
      return toJson(pageOf(rows, limit));
    },
  );
};
