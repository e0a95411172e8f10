import { and, eq, sql } from 'drizzle-orm';
import type { Integration } from '../../shared/api/integrations';
import { subAccountScope, subAccountScopeSql } from '../auth/access';
import type { AuthenticatedAdmin } from '../context';
import type { Database, Db, PreparedParam } from '../db/connect';
import { statementName } from '../db/statement-names';
import { integrationTemplates, integrations, subAccounts } from '../db/schema';
import { publicConfig } from './secrets';

/** Columns of an integration as the API shows it: never the sealed secrets, only which ones are set. */
const publicColumns = {
  id: integrations.id,
  subAccountId: integrations.subAccountId,
  subAccountName: subAccounts.name,
  integrationTemplateId: integrations.integrationTemplateId,
  templateName: integrationTemplates.name,
  templateDisplayName: integrationTemplates.displayName,
  templateCategory: integrationTemplates.category,
  name: integrations.name,
  description: integrations.description,
  isActive: integrations.isActive,
  config: integrations.config,
  secretKeys: sql<string[]>`array(select jsonb_object_keys(${integrations.secrets}) order by 1)`,
  status: integrations.status,
  lastSyncAt: integrations.lastSyncAt,
  errorMessage: integrations.errorMessage,
  hasWebhookSecret: sql<boolean>`${integrations.webhookSecret} is not null`,
  webhookAllowedCidrs: integrations.webhookAllowedCidrs,
  syncIntervalMinutes: integrations.syncIntervalMinutes,
  effectiveSyncIntervalMinutes: sql<number | null>`nullif(coalesce(${integrations.syncIntervalMinutes}, ${integrationTemplates.defaultSyncIntervalMinutes}), 0)`,
  nextSyncAt: integrations.nextSyncAt,
  consecutiveFailures: integrations.consecutiveFailures,
  syncPausedReason: integrations.syncPausedReason,
  version: integrations.version,
  createdAt: integrations.createdAt,
  updatedAt: integrations.updatedAt,
  createdByAdminId: integrations.createdByAdminId,
};

type PublicRow = { [K in keyof typeof publicColumns]: unknown } & Record<string, unknown>;

/**
 * Field by field rather than by rest and spread: copying a 26-column row twice with `...` made objects V8 keeps
 * as dictionaries, a few kilobytes of garbage per row on the list's hot path.
 */
function toDto(r: PublicRow): Integration {
  const row = r as unknown as Omit<Integration, 'template' | 'secretFieldsSet' | 'webhookPath'> & {
    templateName: string; templateDisplayName: string; templateCategory: string; secretKeys: string[] | null; createdByAdminId: number;
  };
  const secretKeys = row.secretKeys ?? [];
  return {
    id: row.id,
    subAccountId: row.subAccountId,
    subAccountName: row.subAccountName,
    integrationTemplateId: row.integrationTemplateId,
    template: { name: row.templateName, displayName: row.templateDisplayName, category: row.templateCategory },
    name: row.name,
    description: row.description,
    isActive: row.isActive,
    config: publicConfig(row.config, secretKeys),
    secretFieldsSet: secretKeys,
    status: row.status,
    lastSyncAt: row.lastSyncAt,
    errorMessage: row.errorMessage,
    hasWebhookSecret: row.hasWebhookSecret,
    webhookPath: `/api/webhooks/${row.id}`,
    webhookAllowedCidrs: row.webhookAllowedCidrs,
    syncIntervalMinutes: row.syncIntervalMinutes,
    effectiveSyncIntervalMinutes: row.effectiveSyncIntervalMinutes,
    nextSyncAt: row.nextSyncAt,
    consecutiveFailures: row.consecutiveFailures,
    syncPausedReason: row.syncPausedReason,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdByAdminId: row.createdByAdminId,
  };
}

function baseQuery(db: Db) {
  return db
    .select(publicColumns)
    .from(integrations)
    .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
    .innerJoin(subAccounts, eq(subAccounts.id, integrations.subAccountId));
}

/** One integration, or undefined when it does not exist or lies outside the admin's subaccounts. */
export async function findIntegration(db: Db, admin: AuthenticatedAdmin, id: number): Promise<Integration | undefined> {
  const [row] = await baseQuery(db).where(and(eq(integrations.id, id), subAccountScope(admin, integrations.subAccountId)));
  return row ? toDto(row as PublicRow) : undefined;
}

export interface ListFilters {
  subAccountId?: number;
  status?: string;
  templateId?: number;
  q?: string;
  afterId?: number;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The management list: one page, newest first. Plain SQL rather than the query builder because this is the
 * console's hottest read (every screen, every subaccount switch): mapping 50 rows × 26 columns through the
 * ORM cost several times the query itself. The columns and their names match `publicColumns`.
 */
const LIST_SELECT = `
  select i.id, i.sub_account_id as "subAccountId", s.name as "subAccountName", i.integration_template_id as "integrationTemplateId",
    t.name as "templateName", t.display_name as "templateDisplayName", t.category as "templateCategory",
    i.name, i.description, i.is_active as "isActive", i.config,
    array(select jsonb_object_keys(i.secrets) order by 1) as "secretKeys",
    i.status, i.last_sync_at as "lastSyncAt", i.error_message as "errorMessage",
    i.webhook_secret is not null as "hasWebhookSecret", i.webhook_allowed_cidrs as "webhookAllowedCidrs",
    i.sync_interval_minutes as "syncIntervalMinutes",
    nullif(coalesce(i.sync_interval_minutes, t.default_sync_interval_minutes), 0) as "effectiveSyncIntervalMinutes",
    i.next_sync_at as "nextSyncAt", i.consecutive_failures as "consecutiveFailures", i.sync_paused_reason as "syncPausedReason",
    i.version, i.created_at as "createdAt", i.updated_at as "updatedAt", i.created_by_admin_id as "createdByAdminId"
  from integrations i
  join integration_templates t on t.id = i.integration_template_id
  join sub_accounts s on s.id = i.sub_account_id`;

/**
 * The conditions of the list's filters (without the cursor), on integrations aliased `i` (with its template as
 * `t` for a search), its parameters added through `p`.
 */
export function listWhere(admin: AuthenticatedAdmin, f: Omit<ListFilters, 'afterId' | 'limit'>, p: (v: unknown) => string): string[] {
  const where: string[] = [];
  const scope = subAccountScopeSql(admin, 'i.sub_account_id', p);
  if (scope) where.push(scope);
  if (f.subAccountId !== undefined) where.push(`i.sub_account_id = ${p(f.subAccountId)}`);
  if (f.status !== undefined) where.push(`i.status = ${p(f.status)}`);
  if (f.templateId !== undefined) where.push(`i.integration_template_id = ${p(f.templateId)}`);
  if (f.q) {
    const pattern = p(`%${escapeLike(f.q)}%`);
    where.push(`(i.name ilike ${pattern} or i.description ilike ${pattern} or t.display_name ilike ${pattern})`);
  }
  return where;
}

export const whereSql = (where: string[]) => (where.length ? ` where ${where.join(' and ')}` : '');

/**
 * The list's statements are prepared, named by their text (it varies only by which filters are present): planning the
 * page's join was a good part of its time, and on PGlite query() takes six calls into the WASM. Their parameters are
 * ids, texts and the limit.
 */
const queryByText = <T>(database: Database, prefix: string, text: string, params: unknown[]) =>
  database.queryPrepared<T>(statementName(prefix, text), text, params as PreparedParam[]);

export async function listIntegrations(database: Database, admin: AuthenticatedAdmin, f: ListFilters): Promise<Integration[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = listWhere(admin, f, p);
  if (f.afterId !== undefined) where.push(`i.id < ${p(f.afterId)}`);
  // One JSON text per row: PGlite decodes every column of a result in JavaScript (26 per row here), and one
  // JSON.parse per row costs a third less (PostgreSQL: about the same either way).
  const text = `select row_to_json(x)::text as j from (${LIST_SELECT}${whereSql(where)} order by i.id desc limit ${p(f.limit + 1)}) x order by x.id desc`;
  const rows = await queryByText<{ j: string }>(database, 'integrations_page', text, params);
  return rows.map((r) => toDto(reviveTimestamps(JSON.parse(r.j))));
}

const TIMESTAMPS = ['lastSyncAt', 'nextSyncAt', 'createdAt', 'updatedAt'] as const;

/** JSON carries timestamps as text ("…+00:00", microseconds): back to Dates, as the driver gives them elsewhere. */
function reviveTimestamps(row: PublicRow): PublicRow {
  for (const k of TIMESTAMPS) if (typeof row[k] === 'string') row[k] = new Date(row[k] as string);
  return row;
}

/**
 * How many integrations the list's filters match. By subaccount and status only, the counters the triggers keep
 * (`integration_counts`) answer without reading the integrations; a template or a search needs a count.
 */
export async function countIntegrations(database: Database, admin: AuthenticatedAdmin, f: Omit<ListFilters, 'afterId' | 'limit'>): Promise<number> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = listWhere(admin, f, p);
  if (f.templateId === undefined && !f.q) {
    // The counters have the same sub_account_id and status columns: the same conditions apply to them as `i`.
    const text = `select coalesce(sum(i.total), 0)::int as n from integration_counts i${whereSql(where)}`;
    const [row] = await queryByText<{ n: number }>(database, 'integrations_counted', text, params);
    return row.n;
  }
  const text = `select count(*)::int as n from integrations i join integration_templates t on t.id = i.integration_template_id${whereSql(where)}`;
  const [row] = await queryByText<{ n: number }>(database, 'integrations_count', text, params);
  return row.n;
}
