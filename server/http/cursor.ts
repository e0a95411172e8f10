import { badRequest } from './errors';

/** Keyset cursors: the id of the last item seen, opaque to clients. */
export function encodeCursor(id: number): string {
  return Buffer.from(`i:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^i:(\d{1,10})$/.exec(text);
  // Ids are 32-bit integers: a larger one would reach the database as an out-of-range value (a 500).
  if (!m || Number(m[1]) > 2147483647) throw badRequest('Invalid cursor', [{ path: '/querystring/cursor', message: 'is not a cursor this API issued' }]);
  return Number(m[1]);
}

export function pageOf<T extends { id: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
}
