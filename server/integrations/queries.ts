import { sql } from 'drizzle-orm';
import type { Integration } from '../../shared/api/integrations';
import { subAccountScope, subAccountScopeSql } from '../auth/access';
import type { AuthenticatedAdmin } from '../context';
import { executeRows, type Database, type Db, type PreparedParam } from '../db/connect';
import { statementName } from '../db/statement-names';
import { pageOf } from '../http/cursor';
import type { ListRowCache } from './list-row-cache';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';

/** A timestamp as `Date#toISOString` writes it (UTC, milliseconds; the microseconds dropped, as the driver's Dates drop them). */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const placeholder = `'${SECRET_PLACEHOLDER.replace(/'/g, "''")}'`;

/**
 * An integration as the API shows it (the `Integration` DTO, its fields in the schema's order), as the columns of a row
 * the database turns into JSON with `row_to_json`: from `integrations i` joined to its template `t`, its subaccount `s`
 * (INTEGRATION_JOINS) and `k`, its secrets' keys (SECRET_KEYS). The one definition of that shape: the list sends
 * these texts as they are, reading one integration parses one. The sealed secrets never leave the database: only their
 * keys are read, to list them and to put the placeholder in `config` in their place.
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

const INTEGRATION_JOINS = `
  from integrations i
  join integration_templates t on t.id = i.integration_template_id
  join sub_accounts s on s.id = i.sub_account_id`;

/** The integration's secrets' keys (`names`) and the placeholder for each (`placeholders`): `k` in INTEGRATION_COLUMNS. */
const SECRET_KEYS = `(
    select coalesce(array_agg(key order by key), '{}') as names, coalesce(jsonb_object_agg(key, ${placeholder}::text), '{}') as placeholders
    from jsonb_object_keys(i.secrets) key
  )`;

/**
 * The JSON text of the integration in the row (`i`, `t`, `s` of INTEGRATION_JOINS). A subquery per row, so a statement
 * that decides per row whether it needs the JSON (the list) builds it only for those rows.
 */
const INTEGRATION_JSON = `(select row_to_json(x)::text from (select ${INTEGRATION_COLUMNS} from ${SECRET_KEYS} k) x)`;

/**
 * The same, joined instead, for a statement that needs every row's JSON: after these, `row_to_json(x)::text` is
 * INTEGRATION_JSON's text (`x` is a record with the DTO's column names). A third cheaper than the per-row subquery.
 */
const INTEGRATION_JSON_LATERALS = `
  cross join lateral ${SECRET_KEYS} k
  cross join lateral (select ${INTEGRATION_COLUMNS}) x`;

/** Which versions of the three tuples the row's JSON is made of (see ListRowCache). */
const ROW_VERSION = `i.id || '.' || i.xmin::text || '.' || t.xmin::text || '.' || s.xmin::text`;

/** One integration, or undefined when it does not exist or lies outside the admin's subaccounts. */
export async function findIntegration(db: Db, admin: AuthenticatedAdmin, id: number): Promise<Integration | undefined> {
  const scope = subAccountScope(admin, sql.raw('i.sub_account_id'));
  const [row] = await executeRows<{ j: string }>(
    db,
    sql`select ${sql.raw(INTEGRATION_JSON)} as j ${sql.raw(INTEGRATION_JOINS)} where i.id = ${id}${scope ? sql` and ${scope}` : sql``}`,
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
 * The management list: one page, newest first, the console's hottest read (every screen, every subaccount switch, the
 * dashboard's polling). Each row comes as the database's JSON of the DTO and the page is those texts joined: parsing
 * 50 rows × 26 fields and serializing them again was about 40 % of the server's own time on this request (a CPU
 * profile). Building that JSON was then most of the database's time (0.35 of 0.5 ms on PostgreSQL, 0.6 of 1.0 ms on
 * PGlite), so rows whose JSON `rows` holds from this query's last answer come back as their version alone.
 */
export async function listIntegrationsPage(database: Database, admin: AuthenticatedAdmin, f: ListFilters, rows?: ListRowCache): Promise<ListPage> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = listWhere(admin, f, p);
  if (f.afterId !== undefined) where.push(`i.id < ${p(f.afterId)}`);
  const limit = p(f.limit + 1);
  const key = `${whereSql(where)}|${JSON.stringify(params)}`;
  const known = rows?.lookup(key);
  // With rows known, the CASE's subquery runs after the sort and limit (PostgreSQL postpones costly output columns past
  // them), so only for the page's rows, and not at all for a known one; `$n::text[]` types the parameter itself, parsed
  // once. With none known (a first view, or the cache off), every row's JSON is built, joined: a third cheaper.
  const text = known
    ? `select i.id, ${ROW_VERSION} as v, case when ${ROW_VERSION} = any(${p([...known.keys()])}::text[]) then null else ${INTEGRATION_JSON} end as j ${INTEGRATION_JOINS}${whereSql(where)} order by i.id desc limit ${limit}`
    : `select i.id, ${ROW_VERSION} as v, row_to_json(x)::text as j ${INTEGRATION_JOINS}${INTEGRATION_JSON_LATERALS}${whereSql(where)} order by i.id desc limit ${limit}`;
  const found = await queryByText<{ id: number; v: string; j: string | null }>(database, 'integrations_page', text, params);
  let json = known;
  // The same rows as last time, all known (versions are unique, so as many and none built): the cached page stands as
  // it is, with no new Map to keep and nothing for the collector.
  if (!known || found.length !== known.size || found.some((r) => r.j !== null)) {
    json = new Map(found.map((r) => [r.v, r.j ?? known!.get(r.v)!]));
    rows?.store(key, json);
  }
  const { items, nextCursor } = pageOf(found, f.limit);
  return { itemsJson: `[${items.map((r) => json!.get(r.v)).join(',')}]`, nextCursor };
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
