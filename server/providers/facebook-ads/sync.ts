import type { SyncContext, SyncRecord, SyncSummary } from '../registry';
import type { GraphClient } from './client';
import type { FacebookAdsConfig } from './config';
import { versionWarnings } from './connection-test';
import { inspectToken, permissionList } from './token-health';

export const CAMPAIGN_FIELDS = 'id,name,status,objective,daily_budget,created_time,updated_time';
export const INSIGHT_FIELDS = 'campaign_id,campaign_name,impressions,clicks,spend,reach,actions,date_start,date_stop';
const DAY_MS = 86_400_000;
/** Graph refuses insights time ranges starting more than 37 months back. */
const MAX_INSIGHTS_HISTORY_DAYS = 37 * 30;

export interface SyncSettings {
  /** `limit` sent to Graph; it may return fewer per page. */
  pageSize: number;
  /** Days of insights fetched on the first sync (before today, which is included too). */
  firstSyncDays: number;
  now: () => Date;
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The insights window, in UTC days. After a successful sync, from the day that sync started (it only
 * saw part of that day) through today; the first time, the last `firstSyncDays` days and today.
 */
export function insightsWindow(since: Date | null, now: Date, firstSyncDays: number): { since: string; until: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const earliest = today - MAX_INSIGHTS_HISTORY_DAYS * DAY_MS;
  let start = since ? since.getTime() : today - firstSyncDays * DAY_MS;
  start = Math.min(Math.max(start, earliest), today);
  return { since: utcDay(new Date(start)), until: utcDay(new Date(today)) };
}

/** Upserts one page per call (a crash loses at most a page), skipping ids already stored in this run. */
async function storePage(ctx: SyncContext, records: SyncRecord[], seen: Set<string>): Promise<number> {
  const fresh = records.filter((r) => !seen.has(r.externalId));
  for (const r of fresh) seen.add(r.externalId);
  if (fresh.length) await ctx.upsert(fresh);
  return fresh.length;
}

export async function syncFacebookAds(cfg: FacebookAdsConfig, client: GraphClient, ctx: SyncContext, s: SyncSettings): Promise<SyncSummary> {
  const account = `act_${cfg.adAccountId}`;
  const fetched = { campaign: 0, insight: 0 };
  const notes: string[] = [];
  let skipped = 0;

  // Token health at every sync: a token about to expire is noticed while it still works.
  const credential = await inspectToken(cfg, client, s.now());
  if (credential?.missingScopes.length) notes.push(`the token lacks ${permissionList(credential.missingScopes)}`);

  const campaignIds = new Set<string>();
  let page = 0;
  for await (const rows of client.pages<Record<string, unknown>>(`${account}/campaigns`, { fields: CAMPAIGN_FIELDS, limit: String(s.pageSize) }, `the campaigns of ad account ${cfg.adAccountId}`)) {
    page++;
    const records: SyncRecord[] = [];
    for (const row of rows) {
      if (typeof row.id === 'string' && row.id) records.push({ kind: 'campaign', externalId: row.id, data: row });
      else skipped++;
    }
    fetched.campaign += await storePage(ctx, records, campaignIds);
    ctx.progress({ step: `Campaigns page ${page}`, fetched: fetched.campaign });
  }
  notes.push(`${fetched.campaign} campaigns in ${page} page${page === 1 ? '' : 's'}`);

  const window = insightsWindow(ctx.since, s.now(), s.firstSyncDays);
  const insightKeys = new Set<string>();
  page = 0;
  const params = {
    level: 'campaign',
    time_increment: '1',
    time_range: JSON.stringify(window),
    fields: INSIGHT_FIELDS,
    limit: String(s.pageSize),
  };
  for await (const rows of client.pages<Record<string, unknown>>(`${account}/insights`, params, `the insights of ad account ${cfg.adAccountId}`)) {
    page++;
    const records: SyncRecord[] = [];
    for (const row of rows) {
      if (typeof row.campaign_id === 'string' && typeof row.date_start === 'string') {
        records.push({ kind: 'insight', externalId: `${row.campaign_id}:${row.date_start}`, data: row });
      } else skipped++;
    }
    fetched.insight += await storePage(ctx, records, insightKeys);
    ctx.progress({ step: `Insights page ${page} (${window.since}..${window.until})`, fetched: fetched.campaign + fetched.insight });
  }
  notes.push(`${fetched.insight} daily campaign insight rows, ${window.since}..${window.until} (UTC days)`);

  if (skipped) notes.push(`${skipped} rows without an id were skipped`);
  if (client.stats.throttled || client.stats.waitedMs) {
    notes.push(`Facebook throttled ${client.stats.throttled} request(s); waited ${Math.round(client.stats.waitedMs / 1000)} s in total`);
  }
  if (client.stats.peakUsagePct >= 75) notes.push(`peak Facebook API usage ${Math.round(client.stats.peakUsagePct)}%`);
  return { fetched, notes, health: { credential, warnings: versionWarnings(client, s.now()) } };
}
