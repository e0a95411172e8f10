import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AppContext } from '../context';
import { errorSummary, isDatabaseUnavailable } from '../db/errors';
import { integrationTemplates, integrations, webhookEvents } from '../db/schema';
import { revealConfig } from '../integrations/secrets';
import type { SyncRecord } from '../providers/registry';
import { removeRecords, upsertRecords } from './records';

/** How long a worker's claim on an event holds; past it (the worker died), another worker may take it. */
export const WEBHOOK_CLAIM_LEASE_SECONDS = 300;
const PROCESS_TIMEOUT_MS = 60_000;

type ClaimedEvent = { id: number; integrationId: number; payload: unknown };

/** Claimable: accepted, and not claimed by a worker that may still be at it. */
const claimable = sql`${webhookEvents.status} = 'accepted' and (${webhookEvents.claimedAt} is null or ${webhookEvents.claimedAt} < now() - ${`${WEBHOOK_CLAIM_LEASE_SECONDS} seconds`}::interval)`;

/** Marks the claimable events `where` selects as claimed by this worker, and returns them. */
function claim(ctx: AppContext, where: SQL) {
  return ctx.db
    .update(webhookEvents)
    .set({ claimedAt: sql`now()` })
    .where(where)
    .returning({ id: webhookEvents.id, integrationId: webhookEvents.integrationId, payload: webhookEvents.payload });
}

/**
 * The worker's loop: claims the oldest events no live worker holds (up to `limit`, skipping rows another
 * worker is claiming at this instant) and applies them. Returns how many it claimed. The events table is the
 * queue: a delivery is committed once, with nothing else to write for it to be processed.
 */
export async function processNextWebhookEvents(ctx: AppContext, limit: number, log: Logger): Promise<number> {
  const oldest = ctx.db.select({ id: webhookEvents.id }).from(webhookEvents).where(claimable).orderBy(webhookEvents.id).limit(limit).for('update', { skipLocked: true });
  const claimed = await claim(ctx, inArray(webhookEvents.id, oldest));
  await applyClaimed(ctx, claimed, log);
  return claimed.length;
}

/** Applies the given events (jobs queued by earlier versions name them), those still claimable. */
export async function processWebhookEvents(ctx: AppContext, eventIds: number[], log: Logger): Promise<void> {
  if (eventIds.length === 0) return;
  await applyClaimed(ctx, await claim(ctx, and(inArray(webhookEvents.id, eventIds), claimable)!), log);
}

/**
 * Applies claimed webhook events. An event is claimed in one statement before it is applied (only `accepted`
 * events with no live claim), so two workers never run the processor on the same event; records are upserted,
 * so even a re-run after a crash has no further effect. Status moves accepted → processed | failed exactly
 * once. Events are applied in the order they were received.
 */
async function applyClaimed(ctx: AppContext, claimed: ClaimedEvent[], log: Logger): Promise<void> {
  const { db } = ctx;
  if (claimed.length === 0) return;
  claimed.sort((a, b) => a.id - b.id);

  const targets = await db
    .select({ integration: integrations, template: integrationTemplates })
    .from(integrations)
    .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
    .where(inArray(integrations.id, [...new Set(claimed.map((e) => e.integrationId))]));
  const byId = new Map(targets.map((t) => [t.integration.id, t]));

  // Records from the whole batch are written together (one upsert per integration, later events winning)
  // instead of one statement and commit per event; a removal first writes what came before it.
  const buffered = new Map<number, SyncRecord[]>();
  const flush = async (integrationIds: Iterable<number>) => {
    for (const id of [...integrationIds]) {
      const records = buffered.get(id) ?? [];
      buffered.delete(id);
      if (records.length) await upsertRecords(db, id, null, records);
    }
  };

  const processed: number[] = [];
  try {
    for (const event of claimed) {
      const target = byId.get(event.integrationId)!;
      const handler = ctx.handlers.get(target.template.name);
      try {
        if (!handler?.processWebhook) throw new Error(`No webhook processor for ${target.template.name}`);
        const config = revealConfig(ctx.keyring, target.integration.config, target.integration.secrets);
        await handler.processWebhook(event.payload, config, {
          signal: AbortSignal.timeout(PROCESS_TIMEOUT_MS),
          apiVersion: target.template.apiVersion,
          since: null,
          upsert: async (records) => {
            const list = buffered.get(event.integrationId) ?? [];
            buffered.set(event.integrationId, list);
            list.push(...records);
          },
          remove: async (kind, ids) => {
            await flush([event.integrationId]);
            await removeRecords(db, event.integrationId, kind, ids);
          },
          progress: () => {},
        });
        processed.push(event.id);
      } catch (err) {
        // The database went away: not the event's fault, so it must not be marked failed.
        if (isDatabaseUnavailable(err)) throw err;
        const error = errorSummary(err).slice(0, 500);
        log.warn({ eventId: event.id, integrationId: event.integrationId, error }, 'webhook event processing failed');
        await finish(ctx, [event.id], error);
      }
    }
    await flush(buffered.keys());
  } catch (err) {
    // Give the unfinished events back so the next pass can take them at once (if the database lets us;
    // otherwise their claims lapse and a later pass takes them).
    const ids = claimed.map((e) => e.id);
    await db.update(webhookEvents).set({ claimedAt: null }).where(and(inArray(webhookEvents.id, ids), eq(webhookEvents.status, 'accepted'))).catch(() => {});
    throw err;
  }
  await finish(ctx, processed, null);
}

function finish(ctx: AppContext, ids: number[], error: string | null) {
  if (ids.length === 0) return;
  return ctx.db
    .update(webhookEvents)
    .set({ status: error ? 'failed' : 'processed', processedAt: sql`now()`, processingError: error })
    .where(and(inArray(webhookEvents.id, ids), eq(webhookEvents.status, 'accepted')));
}

