/** Test data for the fake Graph API, shaped like Graph's JSON (ids and metrics are strings, times "+0000"). */

export interface FakeAdAccount {
  /** Digits only; served as act_<id>. */
  id: string;
  name: string;
  account_status: number;
  currency: string;
  timezone_name: string;
  /** The business the BUC usage header is keyed by. */
  businessId: string;
}

export interface FakeCampaign {
  id: string;
  name: string;
  status: string;
  objective: string;
  daily_budget: string;
  created_time: string;
  updated_time: string;
  effective_status: string;
  account_id: string;
  /** Only delivering campaigns have insights rows, as in Graph. */
  delivering: boolean;
}

export interface FakeLead {
  id: string;
  created_time: string;
  field_data: { name: string; values: string[] }[];
  form_id: string;
  ad_id: string;
  campaign_id: string;
  page_id: string;
}

export interface FakePage {
  id: string;
  name: string;
}

/** Graph's timestamp format: 2024-05-01T10:00:00+0000. */
export function graphTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

const OBJECTIVES = ['OUTCOME_LEADS', 'OUTCOME_TRAFFIC', 'OUTCOME_SALES', 'OUTCOME_AWARENESS'];

export function makeCampaigns(accountId: string, count: number, delivering: number): FakeCampaign[] {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: count }, (_, i) => ({
    id: `238${accountId.slice(-4).padStart(4, '0')}${String(i + 1).padStart(8, '0')}`,
    name: `Campaign ${i + 1}`,
    status: i < delivering ? 'ACTIVE' : 'PAUSED',
    effective_status: i < delivering ? 'ACTIVE' : 'PAUSED',
    objective: OBJECTIVES[i % OBJECTIVES.length],
    daily_budget: String(1000 + i * 100),
    created_time: graphTime(new Date(base + i * 3_600_000)),
    updated_time: graphTime(new Date(base + i * 3_600_000 + 86_400_000)),
    account_id: accountId,
    delivering: i < delivering,
  }));
}

/** Every day from `since` to `until` inclusive, as YYYY-MM-DD. */
export function daysBetween(since: string, until: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A daily campaign-level insights row with deterministic numbers (all metrics are strings, as Graph sends them). */
export function insightRow(c: FakeCampaign, campaignIndex: number, day: string): Record<string, unknown> {
  const d = Number(day.slice(8, 10));
  const impressions = 1000 + campaignIndex * 100 + d;
  const clicks = 20 + campaignIndex + (d % 7);
  const leads = (d + campaignIndex) % 4;
  return {
    account_id: c.account_id,
    campaign_id: c.id,
    campaign_name: c.name,
    impressions: String(impressions),
    clicks: String(clicks),
    spend: (impressions / 100).toFixed(2),
    reach: String(Math.round(impressions * 0.8)),
    actions: [
      { action_type: 'link_click', value: String(clicks) },
      ...(leads ? [{ action_type: 'lead', value: String(leads) }] : []),
    ],
    date_start: day,
    date_stop: day,
  };
}

export function defaultLead(pageId: string, campaignId: string): FakeLead {
  return {
    id: '1234567890123456',
    created_time: '2024-05-01T10:00:00+0000',
    field_data: [
      { name: 'full_name', values: ['Ada Lovelace'] },
      { name: 'email', values: ['ada@example.com'] },
      { name: 'interests', values: ['engines', 'poetry'] },
    ],
    form_id: '444555666',
    ad_id: '120200000000001',
    campaign_id: campaignId,
    page_id: pageId,
  };
}
