import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { ApiError, IdParams } from '../../shared/api/common';
import { TestConfigBody, TestResult } from '../../shared/api/integrations';
import {
  CreateTemplateBody,
  IntegrationTemplate,
  ListTemplatesQuery,
  MoveApiVersionBody,
  UpdateTemplateBody,
} from '../../shared/api/templates';
import { upgradeTargets } from '../../shared/meta-api-versions';
import { diffFields, recordAudit } from '../audit/record';
import { integrationTemplates, integrations } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import { badRequest, conflict, notFound, unprocessable } from '../http/errors';
import { toJson } from '../http/json';
import { assertValidConfigSchema } from '../integrations/config-schema';
import { testUnsavedConfig } from '../integrations/connection-test';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError };
const AUDITED = ['displayName', 'description', 'category', 'icon', 'isActive', 'configSchema', 'setupInstructions', 'webhookUrl', 'apiVersion', 'defaultSyncIntervalMinutes'];


export const integrationTemplatesPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.ctx;
  const superAdmin = { role: 'super_admin' as const };

  app.get(
    '/integration-templates',
    { schema: { tags: ['templates'], querystring: ListTemplatesQuery, response: { 200: Type.Array(IntegrationTemplate), ...errors } } },
    async (req) =>
      toJson(await db
        .select()
        .from(integrationTemplates)
        .where(
          and(
            req.query.active === undefined ? undefined : eq(integrationTemplates.isActive, req.query.active),
            req.query.category === undefined ? undefined : sql`lower(${integrationTemplates.category}) = lower(${req.query.category})`,
          ),
        )
        .orderBy(asc(integrationTemplates.displayName))),
  );

  app.get(
    '/integration-templates/:id',
    { schema: { tags: ['templates'], params: IdParams, response: { 200: IntegrationTemplate, ...errors } } },
    async (req) => {
      const [row] = await db.select().from(integrationTemplates).where(eq(integrationTemplates.id, req.params.id));
      if (!row) throw notFound('Integration template');
      return toJson(row);
    },
  );

  app.post(
    '/integration-templates',
    { config: superAdmin, schema: { tags: ['templates'], body: CreateTemplateBody, response: { 201: IntegrationTemplate, ...errors } } },
    async (req, reply) => {
      assertValidConfigSchema(req.body.configSchema);
      try {
        const row = await db.transaction(async (tx) => {
          const [created] = await tx
            .insert(integrationTemplates)
            .values({ ...req.body, createdByAdminId: req.admin.id })
            .returning();
          await recordAudit(tx, {
            actor: req.admin, subAccountId: null, entity: 'template', entityId: created.id, action: 'create',
            summary: `Created template "${created.displayName}" (${created.name})`,
            diff: diffFields(null, created, ['name', ...AUDITED]),
          });
          return created;
        });
        return reply.status(201).send(toJson(row));
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`A template named "${req.body.name}" already exists`);
        throw err;
      }
    },
  );

  app.put(
    '/integration-templates/:id',
    { config: superAdmin, schema: { tags: ['templates'], params: IdParams, body: UpdateTemplateBody, response: { 200: IntegrationTemplate, ...errors } } },
    async (req) => {
      if (req.body.configSchema) assertValidConfigSchema(req.body.configSchema);
      return toJson(await db.transaction(async (tx) => {
        const [before] = await tx.select().from(integrationTemplates).where(eq(integrationTemplates.id, req.params.id)).for('update');
        if (!before) throw notFound('Integration template');
        const [after] = await tx
          .update(integrationTemplates)
          .set({ ...req.body, updatedAt: sql`now()` })
          .where(eq(integrationTemplates.id, before.id))
          .returning();
        const diff = diffFields(before, after, AUDITED);
        const onlyToggle = Object.keys(diff).length === 1 && diff.isActive;
        const action = onlyToggle ? (after.isActive ? 'activate' : 'deactivate') : 'update';
        await recordAudit(tx, {
          actor: req.admin, subAccountId: null, entity: 'template', entityId: after.id, action,
          summary: `${{ update: 'Updated', activate: 'Activated', deactivate: 'Deactivated' }[action]} template "${after.displayName}"`,
          diff,
        });
        return after;
      }));
    },
  );

  // Versions come from Meta's table (shared/meta-api-versions.ts): only a released, unexpired, newer one is accepted, so
  // a template can never be moved onto a version the server would refuse to call.
  app.post(
    '/integration-templates/:id/api-version',
    { config: superAdmin, schema: { tags: ['templates'], params: IdParams, body: MoveApiVersionBody, response: { 200: IntegrationTemplate, ...errors } } },
    async (req) => {
      return toJson(await db.transaction(async (tx) => {
        const [before] = await tx.select().from(integrationTemplates).where(eq(integrationTemplates.id, req.params.id)).for('update');
        if (!before) throw notFound('Integration template');
        if (before.name !== 'FacebookAds') throw unprocessable(`Template "${before.displayName}" has no version table; edit its apiVersion instead`);
        const targets = upgradeTargets(before.apiVersion, new Date()).map((v) => v.version);
        if (!targets.includes(req.body.apiVersion)) {
          const allowed = targets.length ? `one of ${targets.join(', ')}` : `none: ${before.apiVersion} is already the newest`;
          throw badRequest('Not a version this template can move to', [{ path: '/body/apiVersion', message: `must be a released, unexpired Marketing API version newer than ${before.apiVersion} (${allowed})` }]);
        }
        const [after] = await tx.update(integrationTemplates).set({ apiVersion: req.body.apiVersion, updatedAt: sql`now()` }).where(eq(integrationTemplates.id, before.id)).returning();
        await recordAudit(tx, {
          actor: req.admin, subAccountId: null, entity: 'template', entityId: after.id, action: 'update',
          summary: `Moved template "${after.displayName}" from Marketing API ${before.apiVersion} to ${after.apiVersion}`,
          diff: diffFields(before, after, ['apiVersion']),
        });
        return after;
      }));
    },
  );

  app.delete(
    '/integration-templates/:id',
    { config: superAdmin, schema: { tags: ['templates'], params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await db.transaction(async (tx) => {
        const [row] = await tx.select().from(integrationTemplates).where(eq(integrationTemplates.id, req.params.id)).for('update');
        if (!row) throw notFound('Integration template');
        const [{ n }] = await tx
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(integrations)
          .where(eq(integrations.integrationTemplateId, row.id));
        if (n > 0) {
          throw conflict(`Template "${row.displayName}" is used by ${n} integration${n === 1 ? '' : 's'}; delete ${n === 1 ? 'it' : 'them'} or deactivate the template instead`);
        }
        await tx.delete(integrationTemplates).where(eq(integrationTemplates.id, row.id));
        await recordAudit(tx, {
          actor: req.admin, subAccountId: null, entity: 'template', entityId: row.id, action: 'delete',
          summary: `Deleted template "${row.displayName}" (${row.name})`,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/integration-templates/:id/test',
    { schema: { tags: ['templates'], params: IdParams, body: TestConfigBody, response: { 200: TestResult, ...errors } } },
    async (req) => {
      const [template] = await db.select().from(integrationTemplates).where(eq(integrationTemplates.id, req.params.id));
      if (!template) throw notFound('Integration template');
      return testUnsavedConfig(app.ctx, template, req.body.config);
    },
  );
};
