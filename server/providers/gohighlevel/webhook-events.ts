import { createHash } from 'node:crypto';
import { ProviderError } from '../errors';
import type { SyncContext } from '../registry';

export interface EventMetadata {
  eventId: string;
  eventType?: string;
  timestamp?: Date;
}

/**
 * Dedupe key and replay-window time of a delivery. GoHighLevel puts `webhookId` on each delivery (its retries reuse
 * it). Without one, the hash of the raw body stands in: a retried delivery has the same bytes, while the payload's
 * `id` would not do, because on Contact* events it is the contact's id and would merge every update of a contact.
 */
export function eventMetadata(payload: Record<string, unknown>, rawBody: Buffer): EventMetadata {
  const webhookId = str(payload.webhookId);
  const eventId = webhookId ?? `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  const when = str(payload.timestamp) ?? str(payload.dateAdded);
  const ms = when ? Date.parse(when) : NaN;
  return { eventId, eventType: str(payload.type), timestamp: Number.isNaN(ms) ? undefined : new Date(ms) };
}

const ENVELOPE_FIELDS = new Set(['type', 'webhookId', 'timestamp']);

/** Applies ContactCreate / ContactUpdate / ContactDelete of the configured location; other events are ignored. */
export async function applyWebhookEvent(payload: unknown, locationId: string, ctx: SyncContext): Promise<void> {
  if (!payload || typeof payload !== 'object') return;
  const event = payload as Record<string, unknown>;
  const type = str(event.type);
  if (type !== 'ContactCreate' && type !== 'ContactUpdate' && type !== 'ContactDelete') return;

  // Marketplace deliveries are flat (contact fields beside `type`); some senders wrap the contact in `data`.
  const data = event.data && typeof event.data === 'object' && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : null;
  const contact = data && str(data.id) ? data : event;
  const contactId = str(contact.id) ?? str(event.contactId);
  if (!contactId) return;
  // GoHighLevel signs every customer's deliveries with the same platform key, so a valid signature does not prove
  // the event concerns this integration: only events naming the configured location may touch its records.
  const eventLocation = str(contact.locationId) ?? str(event.locationId);
  if (eventLocation !== locationId) return;

  if (type === 'ContactDelete') {
    if (!ctx.remove) {
      throw new ProviderError({ origin: 'internal', type: 'unsupported', message: 'This sync context cannot delete records.', retryable: false });
    }
    await ctx.remove('contact', [contactId]);
    return;
  }
  const fields = Object.fromEntries(Object.entries(contact).filter(([k]) => contact !== event || !ENVELOPE_FIELDS.has(k)));
  await ctx.upsert([{ kind: 'contact', externalId: contactId, data: fields }]);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}
