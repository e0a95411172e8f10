import { noStatusCounts, type StatusCounts } from '../../shared/api/common';
import type { IntegrationSummary } from '../../shared/api/integrations';
import { subAccountScopeSql } from '../auth/access';
import type { AuthenticatedAdmin } from '../context';
import type { Database } from '../db/connect';
import { listWhere, whereSql } from './queries';

const COUNTS = `coalesce(sum(c.total) filter (where c.status = 'pending'), 0)::int as pending,
  coalesce(sum(c.total) filter (where c.status = 'active'), 0)::int as active,
  coalesce(sum(c.total) filter (where c.status = 'error'), 0)::int as error,
  coalesce(sum(c.total) filter (where c.status = 'disconnected'), 0)::int as disconnected,
  coalesce(sum(c.total), 0)::int as total, coalesce(sum(c.active_on), 0)::int as "activeOn"`;

type CountRow = { pending: number; active: number; error: number; disconnected: number; total: number; activeOn: number };

/**
 * Integrations by status, overall or per subaccount, from the counters the `integrations` triggers keep
 * (`integration_counts`, a few rows per subaccount) instead of counting every integration. Plain SQL that
 * sums in the database: with 2,000 subaccounts, building rows through the ORM cost more than the query.
 */
export async function integrationSummary(
  database: Database,
  admin: AuthenticatedAdmin,
  opts: { subAccountId?: number; groupBy?: 'subAccount' | 'template' },
): Promise<IntegrationSummary> {
  if (opts.groupBy === 'template') return byTemplate(database, admin, opts.subAccountId);
  const params: unknown[] = [];
  const where = ['c.total > 0'];
  const p = (v: unknown) => `$${params.push(v)}`;
  const scope = subAccountScopeSql(admin, 'c.sub_account_id', p);
  if (scope) where.push(scope);
  if (opts.subAccountId !== undefined) where.push(`c.sub_account_id = ${p(opts.subAccountId)}`);
  const filter = where.join(' and ');
  if (opts.groupBy !== 'subAccount') {
    const [row] = await database.query<CountRow>(`select ${COUNTS} from integration_counts c where ${filter}`, params);
    const { activeOn, ...counts } = row;
    return { counts, activeSwitchOn: activeOn };
  }
  // Summed per subaccount id first (grouping by the name too sorted 8,000 rows by text), names joined after; the rows
  // come back as one JSON array: on PGlite, reading 2,000 rows field by field in JavaScript took longer than the query.
  const [{ rows }] = await database.query<{ rows: Array<CountRow & { subAccountId: number; subAccountName: string }> }>(
    `select coalesce(json_agg(x order by x."subAccountId"), '[]') as rows from (
       select c.*, s.name as "subAccountName"
       from (select c.sub_account_id as "subAccountId", ${COUNTS} from integration_counts c where ${filter} group by c.sub_account_id) c
       join sub_accounts s on s.id = c."subAccountId"
     ) x`,
    params,
  );
  const counts = noStatusCounts();
  let activeSwitchOn = 0;
  const bySubAccount = rows.map(({ subAccountId, subAccountName, activeOn, ...own }) => {
    for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] += own[k];
    activeSwitchOn += activeOn;
    return { subAccountId, subAccountName, counts: own };
  });
  return { counts, activeSwitchOn, bySubAccount };
}

/**
 * Counts per template (the catalog's "3 in use, 1 failing"): the counters are kept per subaccount, not per template,
 * so this one counts the integrations (one grouped scan; the catalog no longer reads every integration for it).
 */
async function byTemplate(database: Database, admin: AuthenticatedAdmin, subAccountId: number | undefined): Promise<IntegrationSummary> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  // The list's own conditions: the same integrations the list shows for this admin and subaccount.
  const where = listWhere(admin, { subAccountId }, p);
  const rows = await database.query<{ templateId: number; status: Exclude<keyof StatusCounts, 'total'>; n: number; on: number }>(
    `select i.integration_template_id as "templateId", i.status, count(*)::int as n, count(*) filter (where i.is_active)::int as "on"
     from integrations i${whereSql(where)} group by 1, 2 order by 1`,
    params,
  );
  const counts = noStatusCounts();
  let activeSwitchOn = 0;
  const perTemplate = new Map<number, StatusCounts>();
  for (const r of rows) {
    const c = perTemplate.get(r.templateId) ?? noStatusCounts();
    perTemplate.set(r.templateId, c);
    c[r.status] += r.n;
    c.total += r.n;
    counts[r.status] += r.n;
    counts.total += r.n;
    activeSwitchOn += r.on;
  }
  return { counts, activeSwitchOn, byTemplate: [...perTemplate].map(([integrationTemplateId, c]) => ({ integrationTemplateId, counts: c })) };
}
