import { ProviderError } from '../errors';
import type { SyncContext, SyncRecord } from '../registry';
import type { GraphClient } from './client';
import type { FacebookAdsConfig } from './config';
import { leadgenChanges, type LeadgenChange } from './webhooks';

export const LEAD_FIELDS = 'id,created_time,field_data,form_id,ad_id,campaign_id';

/** field_data is [{"name":"email","values":["a@b.c"]}]; `answers` flattens it to {email: "a@b.c"}. */
function answersOf(fieldData: unknown): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {};
  if (!Array.isArray(fieldData)) return answers;
  for (const f of fieldData) {
    if (!f || typeof f !== 'object' || typeof f.name !== 'string') continue;
    const values = Array.isArray(f.values) ? f.values.filter((v: unknown): v is string => typeof v === 'string') : [];
    answers[f.name] = values.length === 1 ? values[0] : values;
  }
  return answers;
}

export function leadRecord(lead: Record<string, unknown>, change: LeadgenChange): SyncRecord {
  return {
    kind: 'lead',
    externalId: change.leadgenId,
    data: { ...lead, page_id: change.pageId ?? null, answers: answersOf(lead.field_data) },
  };
}

/**
 * Stores the leads a Page webhook announces. The webhook only carries ids, so each lead is read from
 * Graph. Changes for another Page (one app can serve several) are ignored when a pageId is configured.
 */
export async function applyLeadgenWebhook(payload: unknown, cfg: FacebookAdsConfig, client: GraphClient, ctx: SyncContext): Promise<number> {
  const changes = leadgenChanges(payload).filter((c) => !cfg.pageId || !c.pageId || c.pageId === cfg.pageId);
  let stored = 0;
  for (const change of changes) {
    if (!/^[0-9]{1,30}$/.test(change.leadgenId)) {
      throw new ProviderError({ origin: 'provider', type: 'bad_response', retryable: false, message: `The leadgen webhook carried an invalid lead id "${change.leadgenId.slice(0, 40)}"` });
    }
    const lead = await client.get(change.leadgenId, { fields: LEAD_FIELDS }, `lead ${change.leadgenId}`);
    // One upsert per lead: a failure on a later lead keeps the earlier ones.
    await ctx.upsert([leadRecord(lead, change)]);
    stored++;
    ctx.progress({ step: `Lead ${change.leadgenId}`, fetched: stored, total: changes.length });
  }
  return stored;
}
