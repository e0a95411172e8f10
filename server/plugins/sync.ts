import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { ApiError, IdParams } from '../../shared/api/common';
import {
  PageQuery,
  RecordPage,
  RecordsQuery,
  SyncRequested,
  SyncRun,
  SyncRunPage,
  WebhookEventPage,
  WebhookSecretRotated,
} from '../../shared/api/sync';
import { subAccountScope } from '../auth/access';
import { recordAudit, secretChanges } from '../audit/record';
import { seal } from '../crypto/secret-box';
import { integrationTemplates, integrations, syncRecords, syncRuns, webhookEvents } from '../db/schema';
import { decodeCursor, pageOf } from '../http/cursor';
import { HttpError, notFound, unprocessable } from '../http/errors';
import { toJson } from '../http/json';
import { WEBHOOK_SECRET_AAD } from '../integrations/secrets';
import type { AuthenticatedAdmin } from '../context';
import { invalidateWebhookTargetsOnWrite } from '../webhooks/target-cache';

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError, 503: ApiError };

export const syncPlugin: FastifyPluginAsyncTypebox = async (app) => {
  invalidateWebhookTargetsOnWrite(app);
  const { db, keyring, handlers } = app.ctx;

  async function owned(admin: AuthenticatedAdmin, id: number) {
    const [row] = await db
      .select({ id: integrations.id, name: integrations.name, subAccountId: integrations.subAccountId, templateName: integrationTemplates.name, templateDisplayName: integrationTemplates.displayName })
      .from(integrations)
      .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
      .where(and(eq(integrations.id, id), subAccountScope(admin, integrations.subAccountId)));
    if (!row) throw notFound('Integration');
    return row;
  }

  app.post(
    '/integrations/:id/sync',
    { schema: { tags: ['sync'], params: IdParams, response: { 202: SyncRequested, ...errors } } },
    async (req, reply) => {
      const integration = await owned(req.admin, req.params.id);
      if (!handlers.get(integration.templateName)?.syncData) {
        throw unprocessable(`No sync handler is installed for the "${integration.templateDisplayName}" template; it can be stored but not synced`);
      }
      if (!app.ctx.sync) throw new HttpError(503, 'The sync engine is not running on this server');
      // A manual sync is the user's way to resume paused scheduled syncs.
      await db.update(integrations).set({ syncPausedReason: null }).where(eq(integrations.id, integration.id));
      const { run, created } = await app.ctx.sync.requestSync(integration.id, 'manual', req.admin.id);
      return reply.status(202).send({ syncRunId: run.id, status: run.status, alreadyRunning: !created });
    },
  );

  app.get(
    '/integrations/:id/sync-runs',
    { schema: { tags: ['sync'], params: IdParams, querystring: PageQuery, response: { 200: SyncRunPage, ...errors } } },
    async (req) => {
      await owned(req.admin, req.params.id);
      const limit = req.query.limit ?? 50;
      const after = decodeCursor(req.query.cursor);
      const rows = await db
        .select()
        .from(syncRuns)
        .where(and(eq(syncRuns.integrationId, req.params.id), after === undefined ? undefined : lt(syncRuns.id, after)))
        .orderBy(desc(syncRuns.id))
        .limit(limit + 1);
      return toJson(pageOf(rows, limit));
    },
  );

  app.get('/sync-runs/:id', { schema: { tags: ['sync'], params: IdParams, response: { 200: SyncRun, ...errors } } }, async (req) => {
    const [row] = await db
      .select({ run: syncRuns })
      .from(syncRuns)
      .innerJoin(integrations, eq(integrations.id, syncRuns.integrationId))
      .where(and(eq(syncRuns.id, req.params.id), subAccountScope(req.admin, integrations.subAccountId)));
    if (!row) throw notFound('Sync run');
    return toJson(row.run);
  });

  app.get(
    '/integrations/:id/records',
    { schema: { tags: ['sync'], params: IdParams, querystring: RecordsQuery, response: { 200: RecordPage, ...errors } } },
    async (req) => {
      await owned(req.admin, req.params.id);
      const limit = req.query.limit ?? 50;
      const after = decodeCursor(req.query.cursor);
      const rows = await db
        .select({ id: syncRecords.id, kind: syncRecords.kind, externalId: syncRecords.externalId, data: syncRecords.data, firstSeenAt: syncRecords.firstSeenAt, updatedAt: syncRecords.updatedAt })
        .from(syncRecords)
        .where(
          and(
            eq(syncRecords.integrationId, req.params.id),
            req.query.kind === undefined ? undefined : eq(syncRecords.kind, req.query.kind),
            after === undefined ? undefined : lt(syncRecords.id, after),
          ),
        )
        .orderBy(desc(syncRecords.id))
        .limit(limit + 1);
      const totals = await db
        .select({ kind: syncRecords.kind, n: sql<number>`count(*)`.mapWith(Number) })
        .from(syncRecords)
        .where(eq(syncRecords.integrationId, req.params.id))
        .groupBy(syncRecords.kind);
      return toJson({ ...pageOf(rows, limit), totals: Object.fromEntries(totals.map((t) => [t.kind, t.n])) });
    },
  );

  app.get(
    '/integrations/:id/webhook-events',
    { schema: { tags: ['webhooks'], params: IdParams, querystring: PageQuery, response: { 200: WebhookEventPage, ...errors } } },
    async (req) => {
      await owned(req.admin, req.params.id);
      const limit = req.query.limit ?? 50;
      const after = decodeCursor(req.query.cursor);
      const rows = await db
        .select({
          id: webhookEvents.id, receivedAt: webhookEvents.receivedAt, eventId: webhookEvents.eventId, eventType: webhookEvents.eventType,
          sourceIp: webhookEvents.sourceIp, verified: webhookEvents.verified, verificationError: webhookEvents.verificationError,
          status: webhookEvents.status, processedAt: webhookEvents.processedAt, processingError: webhookEvents.processingError,
        })
        .from(webhookEvents)
        .where(and(eq(webhookEvents.integrationId, req.params.id), after === undefined ? undefined : lt(webhookEvents.id, after)))
        .orderBy(desc(webhookEvents.id))
        .limit(limit + 1);
      return toJson(pageOf(rows, limit));
    },
  );

  app.post(
    '/integrations/:id/webhook-secret',
    { schema: { tags: ['webhooks'], params: IdParams, response: { 200: WebhookSecretRotated, ...errors } } },
    async (req) => {
      const integration = await owned(req.admin, req.params.id);
      const secret = randomBytes(24).toString('base64url');
      await db.transaction(async (tx) => {
        await tx.update(integrations).set({ webhookSecret: seal(keyring, secret, WEBHOOK_SECRET_AAD), updatedAt: sql`now()` }).where(eq(integrations.id, integration.id));
        await recordAudit(tx, {
          actor: req.admin, subAccountId: integration.subAccountId, entity: 'integration', entityId: integration.id, action: 'update',
          summary: `Rotated the webhook secret of "${integration.name}"`, diff: secretChanges(['webhookSecret']),
        });
      });
      // Shown once, to the person who rotated it; never returned again.
      return { webhookSecret: secret, webhookPath: `/api/webhooks/${integration.id}` };
    },
  );
};
