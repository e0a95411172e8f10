import { ProviderError } from '../errors';
import type { SyncContext, SyncSummary } from '../registry';
import { GHL_MAX_CONTACTS_PAGE, type ContactsCursor, type GhlClient, type GhlContactsMeta, type GhlContactsPage, type GhlRecord } from './client';
import { cancelledError } from './http-errors';

export interface SyncWindow {
  /** Appointments starting this many days before now are synced… */
  daysBack: number;
  /** …up to this many days ahead. */
  daysAhead: number;
}

export interface SyncOptions {
  pageSize?: number;
  now?: () => number;
  window?: SyncWindow;
}

const DAY_MS = 86_400_000;
export const DEFAULT_EVENTS_WINDOW: SyncWindow = { daysBack: 30, daysAhead: 90 };

/** Contacts (all of them, page by page), then the location's calendars, then the configured calendar's appointments. */
export async function syncLocation(client: GhlClient, calendarId: string | undefined, ctx: SyncContext, opts: SyncOptions = {}): Promise<SyncSummary> {
  const notes: string[] = [];
  const contacts = await syncContacts(client, ctx, opts.pageSize ?? GHL_MAX_CONTACTS_PAGE);
  notes.push(`${contacts.count} contacts in ${contacts.pages} page${contacts.pages === 1 ? '' : 's'}`);

  checkCancelled(ctx);
  ctx.progress({ step: 'Calendars', fetched: contacts.count, total: contacts.total });
  const calendars = await client.listCalendars(ctx.signal);
  if (calendars.length) await ctx.upsert(calendars.map((c) => ({ kind: 'calendar', externalId: c.id, data: c })));
  notes.push(`${calendars.length} calendar${calendars.length === 1 ? '' : 's'}`);

  let appointments = 0;
  if (calendarId) {
    checkCancelled(ctx);
    const window = opts.window ?? DEFAULT_EVENTS_WINDOW;
    const now = (opts.now ?? Date.now)();
    const start = now - window.daysBack * DAY_MS;
    const end = now + window.daysAhead * DAY_MS;
    ctx.progress({ step: 'Appointments', fetched: contacts.count, total: contacts.total });
    const events = await client.listCalendarEvents(calendarId, start, end, ctx.signal);
    if (events.length) await ctx.upsert(events.map((e) => ({ kind: 'appointment', externalId: e.id, data: e })));
    appointments = events.length;
    notes.push(`${appointments} appointments of calendar ${calendarId}, window ${isoDay(start)}..${isoDay(end)}`);
  } else {
    notes.push('No Calendar ID configured: appointments not synced');
  }

  return { fetched: { contact: contacts.count, calendar: calendars.length, appointment: appointments }, notes };
}

async function syncContacts(client: GhlClient, ctx: SyncContext, pageSize: number) {
  const seen = new Set<string>();
  let cursor: ContactsCursor | null = null;
  let total: number | undefined;
  let pages = 0;
  checkCancelled(ctx);
  let pending: Promise<GhlContactsPage> | null = client.listContacts(pageSize, null, ctx.signal);
  while (pending) {
    const page: GhlContactsPage = await pending;
    pages++;
    if (typeof page.meta.total === 'number') total = page.meta.total;

    // Ask for the next page while this one is stored: the cursor is already known, and storing takes time the
    // rate budget would otherwise not use. At most one page is ever held unstored.
    const next = nextCursor(page.contacts, page.meta, pageSize);
    if (next && cursor && next.startAfterId === cursor.startAfterId) {
      throw new ProviderError({
        origin: 'provider',
        type: 'bad_response',
        message: `GoHighLevel returned the same contacts cursor twice (after ${seen.size} contacts); stopping instead of looping.`,
        retryable: true,
      });
    }
    cursor = next;
    pending = next && !ctx.signal.aborted ? client.listContacts(pageSize, next, ctx.signal) : null;
    // If storing fails first, the prefetch's own failure (e.g. cancelled) must not surface as an unhandled rejection.
    pending?.catch(() => {});

    // A contact edited mid-sync can move between pages; upserting it once per sync is enough.
    const fresh = page.contacts.filter((c) => !seen.has(c.id));
    for (const c of fresh) seen.add(c.id);
    if (fresh.length) await ctx.upsert(fresh.map((c) => ({ kind: 'contact', externalId: c.id, data: c })));
    ctx.progress({ step: `Contacts page ${pages}`, fetched: seen.size, total });
    checkCancelled(ctx);
  }
  return { count: seen.size, pages, total };
}

/**
 * GoHighLevel's contacts pagination: pass the previous page's `meta.startAfterId` and `meta.startAfter`. The last
 * page is short, empty, or says so with `nextPage: null` and `nextPageUrl: null`.
 */
export function nextCursor(contacts: GhlRecord[], meta: GhlContactsMeta, pageSize: number): ContactsCursor | null {
  if (contacts.length === 0 || contacts.length < pageSize) return null;
  if (meta.nextPage === null && meta.nextPageUrl == null) return null;
  const last = contacts[contacts.length - 1];
  const startAfterId = typeof meta.startAfterId === 'string' && meta.startAfterId ? meta.startAfterId : last.id;
  const fromLast = typeof last.dateAdded === 'string' ? Date.parse(last.dateAdded) : NaN;
  const startAfter = typeof meta.startAfter === 'number' ? meta.startAfter : Number.isNaN(fromLast) ? undefined : fromLast;
  return { startAfterId, startAfter };
}

function checkCancelled(ctx: SyncContext) {
  if (ctx.signal.aborted) throw cancelledError();
}

function isoDay(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}
