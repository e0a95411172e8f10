import { sql } from 'drizzle-orm';
import type { Integration } from '../../shared/api/integrations';
import { DEFAULT_INTEGRATION_SORT, searchWords, type IntegrationSortKey, type SortOrder } from '../../shared/search/integrations';
import { subAccountScope, subAccountScopeSql } from '../auth/access';
import type { AuthenticatedAdmin } from '../context';
import { executeRows, type Database, type Db, type PreparedParam } from '../db/connect';
import { statementName } from '../db/statement-names';
import { encodeListCursor, orderSql, sortReads, type ListPosition } from './list-order';

/**
 * An integration as the API shows it (the `Integration` DTO) is kept as JSON text with its row, `integrations.dto_json`:
 * rebuilt by triggers whenever the row, its subaccount's name or its template's shown fields change (migration 0007,
 * the one definition of that shape; secrets appear only as their key names and the placeholder). The list sends these
 * texts as they are and reading one integration parses one: building them per read (joins, 25 fields, the secrets'
 * keys) was most of the list's database time, a page of 50 taking 1.1–1.3 ms that way against 0.4 ms reading them.
 *
 * One integration, or undefined when it does not exist or lies outside the admin's subaccounts.
 */
export async function findIntegration(db: Db, admin: AuthenticatedAdmin, id: number): Promise<Integration | undefined> {
  const scope = subAccountScope(admin, sql.raw('i.sub_account_id'));
  const [row] = await executeRows<{ j: string }>(
    db,
    sql`select i.dto_json as j from integrations i where i.id = ${id}${scope ? sql` and ${scope}` : sql``}`,
  );
  return row ? (JSON.parse(row.j) as Integration) : undefined;
}

export interface ListFilters {
  subAccountId?: number;
  status?: string;
  templateId?: number;
  q?: string;
  sort?: IntegrationSortKey;
  order?: SortOrder;
  /** The last row of the previous page (from its cursor). */
  after?: ListPosition;
  limit: number;
}

type FilterPart = Omit<ListFilters, 'after' | 'limit' | 'sort' | 'order'>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The conditions of the list's filters (without the cursor), on integrations aliased `i` (with its template as `t` and
 * its subaccount as `s` for a search), its parameters added through `p`. A search is shared/search/integrations.ts's:
 * every word in one of the name, template, subaccount, last error or description.
 */
export function listWhere(admin: AuthenticatedAdmin, f: FilterPart, p: (v: unknown) => string): string[] {
  const where: string[] = [];
  const scope = subAccountScopeSql(admin, 'i.sub_account_id', p);
  if (scope) where.push(scope);
  if (f.subAccountId !== undefined) where.push(`i.sub_account_id = ${p(f.subAccountId)}`);
  if (f.status !== undefined) where.push(`i.status = ${p(f.status)}`);
  if (f.templateId !== undefined) where.push(`i.integration_template_id = ${p(f.templateId)}`);
  for (const word of searchWords(f.q)) {
    const w = p(`%${escapeLike(word)}%`);
    where.push(`(i.name ilike ${w} or t.display_name ilike ${w} or s.name ilike ${w} or i.error_message ilike ${w} or i.description ilike ${w})`);
  }
  return where;
}

export const whereSql = (where: string[]) => (where.length ? ` where ${where.join(' and ')}` : '');

/** The tables the conditions and the order read: the template and subaccount only for a search or their order. */
function listFrom(f: Pick<ListFilters, 'q' | 'sort'>): string {
  const searching = searchWords(f.q).length > 0;
  const reads = f.sort ? sortReads(f.sort) : undefined;
  let from = 'integrations i';
  if (searching || reads === 't') from += ' join integration_templates t on t.id = i.integration_template_id';
  if (searching || reads === 's') from += ' join sub_accounts s on s.id = i.sub_account_id';
  return from;
}

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
 * The management list: one page, newest first unless another order is asked for, the console's hottest read (every
 * screen, every subaccount switch, the dashboard's polling). The page is its rows' stored JSON joined as it is: parsing
 * 50 rows × 25 fields and serializing them again was about 40 % of the server's own time on this request (a CPU
 * profile). Only a search or an order by their names reads the template or the subaccount.
 */
export async function listIntegrationsPage(database: Database, admin: AuthenticatedAdmin, f: ListFilters): Promise<ListPage> {
  const { sort, order } = { sort: f.sort ?? DEFAULT_INTEGRATION_SORT.sort, order: f.order ?? DEFAULT_INTEGRATION_SORT.order };
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = listWhere(admin, f, p);
  const ordered = orderSql(sort, order, f.after, p);
  if (ordered.where) where.push(ordered.where);
  const text = `select i.id, i.dto_json as j${ordered.select} from ${listFrom({ q: f.q, sort })}${whereSql(where)} order by ${ordered.orderBy} limit ${p(f.limit + 1)}`;
  const found = await queryByText<{ id: number; j: string; sv?: string }>(database, 'integrations_page', text, params);
  const items = found.slice(0, f.limit);
  const last = items[items.length - 1];
  const nextCursor = found.length > f.limit ? encodeListCursor(sort, order, { id: last.id, value: last.sv }) : null;
  return { itemsJson: `[${items.map((r) => r.j).join(',')}]`, nextCursor };
}

/**
 * How many integrations the list's filters match. By subaccount and status only, the counters the triggers keep
 * (`integration_counts`) answer without reading the integrations; a template or a search needs a count.
 */
export async function countIntegrations(database: Database, admin: AuthenticatedAdmin, f: FilterPart): Promise<number> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = listWhere(admin, f, p);
  if (f.templateId === undefined && searchWords(f.q).length === 0) {
    // The counters have the same sub_account_id and status columns: the same conditions apply to them as `i`.
    const text = `select coalesce(sum(i.total), 0)::int as n from integration_counts i${whereSql(where)}`;
    const [row] = await queryByText<{ n: number }>(database, 'integrations_counted', text, params);
    return row.n;
  }
  const text = `select count(*)::int as n from ${listFrom(f)}${whereSql(where)}`;
  const [row] = await queryByText<{ n: number }>(database, 'integrations_count', text, params);
  return row.n;
}
