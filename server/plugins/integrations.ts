import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, eq, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { ApiError, IdParams } from '../../shared/api/common';
import { DEFAULT_INTEGRATION_SORT } from '../../shared/search/integrations';
import {
  CreateIntegrationBody,
  Integration,
  IntegrationPage,
  IntegrationSummary,
  ListIntegrationsQuery,
  SummaryQuery,
  TestResult,
  UpdateIntegrationBody,
} from '../../shared/api/integrations';
import { canAccessSubAccount, subAccountScope } from '../auth/access';
import { diffFields, recordAudit, secretChanges } from '../audit/record';
import { seal } from '../crypto/secret-box';
import type { AuthenticatedAdmin } from '../context';
import type { Db } from '../db/connect';
import { integrationTemplates, integrations, subAccounts } from '../db/schema';
import { badRequest, conflict, notFound } from '../http/errors';
import { runConnectionTest } from '../integrations/connection-test';
import { nextHealth } from '../integrations/credential-health';
import { decodeListCursor } from '../integrations/list-order';
import { countIntegrations, findIntegration, listIntegrationsPage } from '../integrations/queries';
import { integrationSummary } from '../integrations/summary';
import { prepareConfig, revealConfig, WEBHOOK_SECRET_AAD } from '../integrations/secrets';
import { assertValidConfig } from '../integrations/validate-config';
import { parseCidr } from '../webhooks/ip-allowlist';
import { invalidateWebhookTargetsOnWrite } from '../webhooks/target-cache';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError };

/** Normalises an allowlist or answers 400 naming each invalid entry. */
function checkCidrs(cidrs: string[] | undefined): string[] | undefined {
  if (cidrs === undefined) return undefined;
  const bad = cidrs.map((c, i) => ({ c, i })).filter(({ c }) => !parseCidr(c));
  if (bad.length) {
    throw badRequest('Invalid webhook IP allowlist', bad.map(({ c, i }) => ({ path: `/body/webhookAllowedCidrs/${i}`, message: `"${c.slice(0, 64)}" is not an IP address or CIDR range` })));
  }
  return cidrs.map((c) => c.trim());
}


export const integrationsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  invalidateWebhookTargetsOnWrite(app);
  const { db, keyring, handlers } = app.ctx;

  /** Loads the stored row (with secrets) of an integration the admin may access, or answers 404. */
  async function loadOwned(tx: Db, admin: AuthenticatedAdmin, id: number, lock = false) {
    const q = tx
      .select({ integration: integrations, template: integrationTemplates })
      .from(integrations)
      .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
      .where(and(eq(integrations.id, id), subAccountScope(admin, integrations.subAccountId)));
    const [row] = await (lock ? q.for('update', { of: integrations }) : q);
    if (!row) throw notFound('Integration');
    return row;
  }

  app.get(
    '/integrations',
    { schema: { tags: ['integrations'], querystring: ListIntegrationsQuery, response: { 200: IntegrationPage, ...errors } } },
    async (req, reply) => {
      const { limit = 50, cursor, withTotal, sort = DEFAULT_INTEGRATION_SORT.sort, order = DEFAULT_INTEGRATION_SORT.order, ...filters } = req.query;
      const page = await listIntegrationsPage(app.ctx.database, req.admin, { ...filters, sort, order, after: decodeListCursor(cursor, sort, order), limit });
      const total = withTotal ? `,"total":${await countIntegrations(app.ctx.database, req.admin, filters)}` : '';
      // The items are the database's JSON of each integration (listIntegrationsPage), sent as they are: a string with a
      // JSON content type skips the response serializer. The schema above still documents the page.
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"items":${page.itemsJson},"nextCursor":${JSON.stringify(page.nextCursor)}${total}}` as unknown as IntegrationPage);
    },
  );

  app.get(
    '/integrations/summary',
    { schema: { tags: ['integrations'], querystring: SummaryQuery, response: { 200: IntegrationSummary, ...errors } } },
    async (req) => integrationSummary(app.ctx.database, req.admin, req.query),
  );

  app.get(
    '/integrations/:id',
    { schema: { tags: ['integrations'], params: IdParams, response: { 200: Integration, ...errors } } },
    async (req) => {
      const found = await findIntegration(db, req.admin, req.params.id);
      if (!found) throw notFound('Integration');
      return found;
    },
  );

  app.post(
    '/integrations',
    { schema: { tags: ['integrations'], body: CreateIntegrationBody, response: { 201: Integration, ...errors } } },
    async (req, reply) => {
      const body = req.body;
      if (!(await canAccessSubAccount(db, req.admin, body.subAccountId))) throw notFound('Subaccount');
      const [subAccount] = await db.select({ id: subAccounts.id }).from(subAccounts).where(eq(subAccounts.id, body.subAccountId));
      if (!subAccount) throw notFound('Subaccount');
      const [template] = await db.select().from(integrationTemplates).where(eq(integrationTemplates.id, body.integrationTemplateId));
      if (!template) throw notFound('Integration template');
      if (!template.isActive) {
        throw badRequest(`Template "${template.displayName}" is deactivated; new integrations cannot use it`, [
          { path: '/body/integrationTemplateId', message: 'template is deactivated' },
        ]);
      }
      const prepared = prepareConfig(keyring, template.configSchema, body.config);
      assertValidConfig(template, prepared.effective, handlers.get(template.name));
      const cidrs = checkCidrs(body.webhookAllowedCidrs);
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(integrations)
          .values({
            subAccountId: body.subAccountId,
            integrationTemplateId: template.id,
            name: body.name,
            description: body.description ?? null,
            isActive: body.isActive ?? false,
            config: prepared.plain,
            secrets: prepared.sealed,
            status: 'pending',
            webhookSecret: seal(keyring, randomBytes(32).toString('base64url'), WEBHOOK_SECRET_AAD),
            createdByAdminId: req.admin.id,
            syncIntervalMinutes: body.syncIntervalMinutes ?? null,
            webhookAllowedCidrs: cidrs ?? [],
          })
          .returning({ id: integrations.id });
        await recordAudit(tx, {
          actor: req.admin, subAccountId: body.subAccountId, entity: 'integration', entityId: row.id, action: 'create',
          summary: `Created ${template.displayName} integration "${body.name}"`,
          diff: {
            ...diffFields(null, { name: body.name, description: body.description ?? null, isActive: body.isActive ?? false }, ['name', 'description', 'isActive']),
            ...prefixed(diffFields(null, prepared.plain, Object.keys(prepared.plain)), 'config.'),
            ...secretChanges(prepared.changedSecrets, 'config.'),
          },
        });
        return row.id;
      });
      return reply.status(201).send((await findIntegration(db, req.admin, id))!);
    },
  );

  app.put(
    '/integrations/:id',
    { schema: { tags: ['integrations'], params: IdParams, body: UpdateIntegrationBody, response: { 200: Integration, ...errors } } },
    async (req) => {
      const body = req.body;
      await db.transaction(async (tx) => {
        const { integration: before, template } = await loadOwned(tx, req.admin, req.params.id, true);
        if (before.version !== body.version) {
          throw conflict(
            `This integration was changed by someone else (version ${before.version}, your edit started from ${body.version})`,
            await findIntegration(tx, req.admin, before.id),
          );
        }
        const set: Partial<typeof integrations.$inferInsert> = {};
        const cidrs = checkCidrs(body.webhookAllowedCidrs);
        const editable = ['name', 'description', 'isActive', 'syncIntervalMinutes', 'webhookAllowedCidrs'] as const;
        let diff = diffFields(before, { ...before, ...pick({ ...body, webhookAllowedCidrs: cidrs }, [...editable]) }, [...editable]);
        if (body.name !== undefined) set.name = body.name;
        if (cidrs !== undefined) set.webhookAllowedCidrs = cidrs;
        if (body.syncIntervalMinutes !== undefined && diff.syncIntervalMinutes) {
          set.syncIntervalMinutes = body.syncIntervalMinutes;
          // The next scheduled sync follows the new interval (from now), not the old one.
          const minutes = body.syncIntervalMinutes ?? template.defaultSyncIntervalMinutes;
          set.nextSyncAt = minutes ? new Date(Date.now() + minutes * 60_000) : null;
        }
        if (body.description !== undefined) set.description = body.description;
        if (body.isActive !== undefined) set.isActive = body.isActive;
        if (body.config !== undefined) {
          const prepared = prepareConfig(keyring, template.configSchema, body.config, before.secrets);
          assertValidConfig(template, prepared.effective, handlers.get(template.name));
          const keys = [...new Set([...Object.keys(before.config), ...Object.keys(prepared.plain)])];
          const configDiff = { ...prefixed(diffFields(before.config, prepared.plain, keys), 'config.'), ...secretChanges(prepared.changedSecrets, 'config.') };
          if (Object.keys(configDiff).length) {
            set.config = prepared.plain;
            set.secrets = prepared.sealed;
            // New connection settings have not been verified yet.
            set.status = 'pending';
            set.errorMessage = null;
            diff = { ...diff, ...configDiff };
          }
        }
        if (Object.keys(diff).length === 0) return;
        await tx
          .update(integrations)
          .set({ ...set, version: sql`${integrations.version} + 1`, updatedAt: sql`now()` })
          .where(eq(integrations.id, before.id));
        const toggleOnly = Object.keys(diff).length === 1 && diff.isActive;
        const action = toggleOnly ? (body.isActive ? 'activate' : 'deactivate') : 'update';
        await recordAudit(tx, {
          actor: req.admin, subAccountId: before.subAccountId, entity: 'integration', entityId: before.id, action,
          summary: `${{ update: 'Updated', activate: 'Activated', deactivate: 'Deactivated' }[action]} integration "${set.name ?? before.name}"`,
          diff,
        });
      });
      return (await findIntegration(db, req.admin, req.params.id))!;
    },
  );

  for (const [path, isActive] of [['activate', true], ['deactivate', false]] as const) {
    app.post(
      `/integrations/:id/${path}`,
      { schema: { tags: ['integrations'], params: IdParams, response: { 200: Integration, ...errors } } },
      async (req) => {
        await db.transaction(async (tx) => {
          const { integration } = await loadOwned(tx, req.admin, req.params.id, true);
          if (integration.isActive === isActive) return;
          await tx
            .update(integrations)
            .set({ isActive, version: sql`${integrations.version} + 1`, updatedAt: sql`now()` })
            .where(eq(integrations.id, integration.id));
          await recordAudit(tx, {
            actor: req.admin, subAccountId: integration.subAccountId, entity: 'integration', entityId: integration.id, action: path,
            summary: `${isActive ? 'Activated' : 'Deactivated'} integration "${integration.name}"`,
            diff: { isActive: { from: !isActive, to: isActive } },
          });
        });
        return (await findIntegration(db, req.admin, req.params.id))!;
      },
    );
  }

  app.delete(
    '/integrations/:id',
    { schema: { tags: ['integrations'], params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await db.transaction(async (tx) => {
        const { integration, template } = await loadOwned(tx, req.admin, req.params.id, true);
        await tx.delete(integrations).where(eq(integrations.id, integration.id));
        await recordAudit(tx, {
          actor: req.admin, subAccountId: integration.subAccountId, entity: 'integration', entityId: integration.id, action: 'delete',
          summary: `Deleted ${template.displayName} integration "${integration.name}"`,
        });
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/integrations/:id/test',
    { schema: { tags: ['integrations'], params: IdParams, response: { 200: TestResult, ...errors } } },
    async (req) => {
      const { integration, template } = await loadOwned(db, req.admin, req.params.id);
      const config = revealConfig(keyring, integration.config, integration.secrets);
      const { status, health, ...result } = await runConnectionTest(app.ctx, template, config);
      const verdict = result.ok ? 'ok' : status === 'disconnected' ? 'disconnected' : 'failed';
      await db
        .update(integrations)
        // A successful test is proof the connection works again: it also resumes paused scheduled syncs.
        .set({
          status, errorMessage: result.ok ? null : result.message, updatedAt: sql`now()`, ...(result.ok ? { syncPausedReason: null, consecutiveFailures: 0 } : {}),
          ...nextHealth(integration, health, verdict, new Date()),
        })
        .where(eq(integrations.id, integration.id));
      return result;
    },
  );
};

function prefixed<T>(obj: Record<string, T>, prefix: string): Record<string, T> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [`${prefix}${k}`, v]));
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

