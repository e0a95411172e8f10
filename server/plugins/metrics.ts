import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql, type SQL } from 'drizzle-orm';
import { ApiError } from '../../shared/api/common';
import { Metrics, MetricsQuery } from '../../shared/api/metrics';
import { subAccountScope } from '../auth/access';
import { executeRows } from '../db/connect';

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

export const metricsPlugin: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.ctx;

  app.get('/metrics', { schema: { tags: ['metrics'], querystring: MetricsQuery, response: { 200: Metrics, 400: ApiError, 401: ApiError } } }, async (req) => {
    const scope = (column: SQL) => {
      const parts = [subAccountScope(req.admin, column), req.query.subAccountId === undefined ? undefined : sql`${column} = ${req.query.subAccountId}`].filter(Boolean) as SQL[];
      return parts.length ? sql.join(parts, sql` and `) : sql`true`;
    };
    const rows = <T,>(q: SQL) => executeRows<T>(db, q);

    const [setup] = await rows<{ created: number; verified: number }>(sql`
      select count(*)::int as created,
             count(*) filter (where i.status = 'active' or i.last_sync_at is not null)::int as verified
      from integrations i where i.created_at > now() - interval '30 days' and ${scope(sql`i.sub_account_id`)}`);
    const [reliability] = await rows<{ ok7: number; all7: number; ok30: number; all30: number }>(sql`
      select count(*) filter (where r.status = 'succeeded' and r.finished_at > now() - interval '7 days')::int as ok7,
             count(*) filter (where r.finished_at > now() - interval '7 days')::int as all7,
             count(*) filter (where r.status = 'succeeded')::int as ok30,
             count(*)::int as all30
      from sync_runs r join integrations i on i.id = r.integration_id
      where r.finished_at > now() - interval '30 days' and ${scope(sql`i.sub_account_id`)}`);
    const [adoption] = await rows<{ subs: number; adopted: number }>(sql`
      select count(*)::int as subs,
             count(*) filter (where exists (select 1 from integrations i where i.sub_account_id = s.id and i.is_active and i.status = 'active'))::int as adopted
      from sub_accounts s where ${scope(sql`s.id`)}`);
    // For each failed run, the first success of the same integration after it.
    const [recovery] = await rows<{ median: number | null }>(sql`
      select percentile_cont(0.5) within group (order by extract(epoch from (ok.finished_at - f.finished_at)) / 60) as median
      from sync_runs f join integrations i on i.id = f.integration_id
      join lateral (select min(r.finished_at) as finished_at from sync_runs r
                    where r.integration_id = f.integration_id and r.status = 'succeeded' and r.finished_at > f.finished_at) ok on ok.finished_at is not null
      where f.status in ('failed', 'partial') and f.finished_at > now() - interval '30 days' and ${scope(sql`i.sub_account_id`)}`);
    const per = await rows<{ integration_id: number; name: string; sub_account_id: number; runs: number; ok: number; records7d: number; last_status: string | null }>(sql`
      select i.id as integration_id, i.name, i.sub_account_id,
             (select count(*)::int from sync_runs r where r.integration_id = i.id and r.finished_at > now() - interval '30 days') as runs,
             (select count(*)::int from sync_runs r where r.integration_id = i.id and r.finished_at > now() - interval '30 days' and r.status = 'succeeded') as ok,
             (select count(*)::int from sync_records c where c.integration_id = i.id and c.first_seen_at > now() - interval '7 days') as records7d,
             (select r.status from sync_runs r where r.integration_id = i.id order by r.id desc limit 1) as last_status
      from integrations i where ${scope(sql`i.sub_account_id`)} order by i.id limit 500`);
    const daily = await rows<{ day: string; succeeded: number; failed: number }>(sql`
      select to_char(d.day, 'YYYY-MM-DD') as day,
             count(r.id) filter (where r.status = 'succeeded')::int as succeeded,
             count(r.id) filter (where r.status in ('failed', 'partial'))::int as failed
      from generate_series(current_date - 13, current_date, interval '1 day') d(day)
      left join (select r.* from sync_runs r join integrations i on i.id = r.integration_id where ${scope(sql`i.sub_account_id`)}) r
        on r.finished_at >= d.day and r.finished_at < d.day + interval '1 day'
      group by d.day order by d.day`);

    return {
      setupSuccessRate: ratio(setup.verified, setup.created),
      syncReliability7d: ratio(reliability.ok7, reliability.all7),
      syncReliability30d: ratio(reliability.ok30, reliability.all30),
      adoption: ratio(adoption.adopted, adoption.subs),
      medianRecoveryMinutes: recovery?.median === null || recovery?.median === undefined ? null : Number(recovery.median),
      perIntegration: per.map((p) => ({
        integrationId: p.integration_id,
        name: p.name,
        subAccountId: p.sub_account_id,
        runs30d: p.runs,
        successRate30d: ratio(p.ok, p.runs),
        recordsPerDay: p.records7d / 7,
        lastRunStatus: p.last_status,
      })),
      dailyRuns: daily,
    };
  });
};
