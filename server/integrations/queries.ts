import { sql } from 'drizzle-orm';
import type { Integration } from '../../shared/api/integrations';
import { subAccountScope, subAccountScopeSql } from '../auth/access';
import type { AuthenticatedAdmin } from '../context';
import { executeRows, type Database, type Db, type PreparedParam } from '../db/connect';
import { statementName } from '../db/statement-names';
import { pageOf } from '../http/cursor';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';

/** A timestamp as `Date#toISOString` writes it (UTC, milliseconds; the microseconds dropped, as the driver's Dates drop them). */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const placeholder = `'${SECRET_PLACEHOLDER.replace(/'/g, "''")}'`;

/**
 * An integration as the API shows it (the `Integration` DTO, its fields in the schema's order), as the columns of a row
 * the database turns into JSON with `row_to_json`: from `integrations i` joined to its template `t`, its subaccount `s`
 * and `k`, its secrets' keys. The one definition of that shape: the list sends these texts as they are, reading one
 * integration parses one. The sealed secrets never leave the database: only their keys are read, to list them and to put
 * the placeholder in `config` in their place.
 */
const INTEGRATION_COLUMNS = `i.id, i.sub_account_id as "subAccountId", s.name as "subAccountName", i.integration_template_id as "integrationTemplateId",
    json_build_object('name', t.name, 'displayName', t.display_name, 'category', t.category) as template,
    i.name, i.description, i.is_active as "isActive", i.config || k.placeholders as config, k.names as "secretFieldsSet",
    i.status, ${iso('i.last_sync_at')} as "lastSyncAt", i.error_message as "errorMessage",
    i.webhook_secret is not null as "hasWebhookSecret", '/api/webhooks/' || i.id as "webhookPath",
    i.webhook_allowed_cidrs as "webhookAllowedCidrs", i.sync_interval_minutes as "syncIntervalMinutes",
    nullif(coalesce(i.sync_interval_minutes, t.default_sync_interval_minutes), 0) as "effectiveSyncIntervalMinutes",
    ${iso('i.next_sync_at')} as "nextSyncAt", i.consecutive_failures as "consecutiveFailures", i.sync_paused_reason as "syncPausedReason",
    i.version, ${iso('i.created_at')} as "createdAt", ${iso('i.updated_at')} as "updatedAt", i.created_by_admin_id as "createdByAdminId"`;

const INTEGRATION_FROM = `
  from integrations i
  join integration_templates t on t.id = i.integration_template_id
  join sub_accounts s on s.id = i.sub_account_id
  cross join lateral (
    select coalesce(array_agg(key order by key), '{}') as names, coalesce(jsonb_object_agg(key, ${placeholder}::text), '{}') as placeholders
    from jsonb_object_keys(i.secrets) key
  ) k`;

/** One integration, or undefined when it does not exist or lies outside the admin's subaccounts. */
export async function findIntegration(db: Db, admin: AuthenticatedAdmin, id: number): Promise<Integration | undefined> {
  const scope = subAccountScope(admin, sql.raw('i.sub_account_id'));
  const [row] = await executeRows<{ j: string }>(
    db,
    sql`select row_to_json(x)::text as j from (select ${sql.raw(INTEGRATION_COLUMNS)} ${sql.raw(INTEGRATION_FROM)} where i.id = ${id}${scope ? sql` and ${scope}` : sql``}) x`,
  );
  return row ? (JSON.parse(row.j) as Integration) : undefined;
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

/** One page of the management list: its items as one JSON array text, and the cursor to the next page. */
export interface ListPage {
  itemsJson: string;
  nextCursor: string | null;
}

/**
 * The management list: one page, newest first, the console's hottest read (every screen, every subaccount switch).
 * Each row comes as the database's JSON of the DTO and the page is those texts joined: parsing 50 rows × 26 fields
 * and serializing them again was about 40 % of the server's own time on this request (a CPU profile).
 */
export async function listIntegrationsPage(database: Database, admin: AuthenticatedAdmin, f: ListFilters): Promise<ListPage> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = listWhere(admin, f, p);
  if (f.afterId !== undefined) where.push(`i.id < ${p(f.afterId)}`);
  const page = `select ${INTEGRATION_COLUMNS} ${INTEGRATION_FROM}${whereSql(where)} order by i.id desc limit ${p(f.limit + 1)}`;
  const text = `select x.id, row_to_json(x)::text as j from (${page}) x order by x.id desc`;
  const rows = await queryByText<{ id: number; j: string }>(database, 'integrations_page', text, params);
  const { items, nextCursor } = pageOf(rows, f.limit);
  return { itemsJson: `[${items.map((r) => r.j).join(',')}]`, nextCursor };
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
