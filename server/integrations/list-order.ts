import { SORT_TEXT_PREFIX, type IntegrationSortKey, type SortOrder } from '../../shared/search/integrations';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { badRequest } from '../http/errors';

/**
 * The list's orders in SQL, as shared/search/integrations.ts defines them: each sort key's value (text lower-cased,
 * its first SORT_TEXT_PREFIX characters, compared byte-wise under the "C" collation so every deployment orders alike and
 * the console's offline copy can sort the same way), ties broken by id in the same direction. `t` is the template, `s`
 * the subaccount, joined only when the order or a search reads them.
 */
interface SortSql {
  expr: string;
  /** How a cursor's value is cast back for the keyset comparison. */
  cast: 'text' | 'bigint';
  reads?: 't' | 's';
}

const text = (column: string) => `(left(lower(${column}), ${SORT_TEXT_PREFIX}) collate "C")`;

const SORTS: Record<IntegrationSortKey, SortSql> = {
  created: { expr: 'i.id', cast: 'bigint' },
  name: { expr: text('i.name'), cast: 'text' },
  template: { expr: text('t.display_name'), cast: 'text', reads: 't' },
  subaccount: { expr: text('s.name'), cast: 'text', reads: 's' },
  status: { expr: "(case i.status when 'error' then 0 when 'disconnected' then 1 when 'pending' then 2 else 3 end)", cast: 'bigint' },
  active: { expr: '(i.is_active::int)', cast: 'bigint' },
  // Microseconds since the epoch (exact in a bigint, unlike a timestamp's text, which depends on the session's DateStyle).
  lastSync: { expr: '(coalesce((extract(epoch from i.last_sync_at) * 1000000)::bigint, -1))', cast: 'bigint' },
  error: { expr: text("coalesce(i.error_message, '')"), cast: 'text' },
};

export const sortReads = (sort: IntegrationSortKey) => SORTS[sort].reads;

/** Where a page of this order starts after its cursor's row, and the ORDER BY. */
export function orderSql(sort: IntegrationSortKey, order: SortOrder, after: ListPosition | undefined, p: (v: unknown) => string) {
  const { expr, cast } = SORTS[sort];
  const dir = order === 'asc' ? 'asc' : 'desc';
  const cmp = order === 'asc' ? '>' : '<';
  if (sort === 'created') {
    return { where: after ? `i.id ${cmp} ${p(after.id)}` : null, orderBy: `i.id ${dir}`, select: '' };
  }
  return {
    where: after ? `(${expr}, i.id) ${cmp} (${p(after.value)}::${cast}, ${p(after.id)})` : null,
    orderBy: `${expr} ${dir}, i.id ${dir}`,
    select: `, (${expr})::text as sv`,
  };
}

/** The last row of a page: its id and, for orders other than newest first, the value it sorted by. */
export interface ListPosition {
  id: number;
  value?: string;
}

/**
 * Newest first keeps the id-only cursor every other page uses (consoles hold such cursors in their offline copies);
 * another order's cursor names its order, so a cursor is never applied to an order it was not made for.
 */
export function encodeListCursor(sort: IntegrationSortKey, order: SortOrder, at: ListPosition): string {
  if (sort === 'created' && order === 'desc') return encodeCursor(at.id);
  return Buffer.from(JSON.stringify([sort, order, at.value ?? null, at.id])).toString('base64url');
}

const invalid = (why: string) => badRequest('Invalid cursor', [{ path: '/querystring/cursor', message: why }]);

export function decodeListCursor(cursor: string | undefined, sort: IntegrationSortKey, order: SortOrder): ListPosition | undefined {
  if (cursor === undefined) return undefined;
  if (sort === 'created' && order === 'desc') return { id: decodeCursor(cursor)! };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor this API issued');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid('is not a cursor this API issued');
  const [s, o, value, id] = parsed as unknown[];
  if (s !== sort || o !== order) throw invalid(`was issued for another order (${String(s)} ${String(o)}): start again without a cursor`);
  const validId = Number.isInteger(id) && (id as number) >= 1 && (id as number) <= 2147483647;
  const cast = SORTS[sort].cast;
  const validValue =
    sort === 'created' ? value === null : cast === 'bigint' ? typeof value === 'string' && /^-?\d{1,19}$/.test(value) : typeof value === 'string' && value.length <= SORT_TEXT_PREFIX;
  if (!validId || !validValue) throw invalid('is not a cursor this API issued');
  return { id: id as number, ...(sort === 'created' ? {} : { value: value as string }) };
}
