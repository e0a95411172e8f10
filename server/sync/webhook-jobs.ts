import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AppContext } from '../context';
import { integrationTemplates, integrations, webhookEvents } from '../db/schema';
import { revealConfig } from '../integrations/secrets';
import { removeRecords, upsertRecords } from './records';

/**
 * Applies one stored, verified webhook event. Records are upserted, so a job delivered twice has no
 * further effect; the status moves accepted → processed exactly once.
 */
export async function processWebhookEvent(ctx: AppContext, eventId: number, log: Logger): Promise<void> {
  const { db } = ctx;
  const [row] = await db
    .select({ event: webhookEvents, integration: integrations, template: integrationTemplates })
    .from(webhookEvents)
    .innerJoin(integrations, eq(integrations.id, webhookEvents.integrationId))
    .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
    .where(eq(webhookEvents.id, eventId));
  if (!row || row.event.status !== 'accepted') return;
  const handler = ctx.handlers.get(row.template.name);
  const integrationId = row.integration.id;
  let error: string | null = null;
  try {
    if (!handler?.processWebhook) throw new Error(`No webhook processor for ${row.template.name}`);
    const config = revealConfig(ctx.keyring, row.integration.config, row.integration.secrets);
    await handler.processWebhook(row.event.payload, config, {
      signal: AbortSignal.timeout(60_000),
      apiVersion: row.template.apiVersion,
      since: null,
      upsert: async (records) => void (await upsertRecords(db, integrationId, null, records)),
      remove: async (kind, ids) => void (await removeRecords(db, integrationId, kind, ids)),
      progress: () => {},
    });
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
    log.warn({ eventId, integrationId, error }, 'webhook event processing failed');
  }
  await db
    .update(webhookEvents)
    .set({ status: error ? 'failed' : 'processed', processedAt: sql`now()`, processingError: error })
    .where(and(eq(webhookEvents.id, eventId), eq(webhookEvents.status, 'accepted')));
}
