import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookVerification } from '../registry';

/** Compares secrets without leaking, through timing, how much of a guess was right (lengths included). */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Meta's challenge is a number; echoing only safe characters keeps this endpoint from reflecting markup. */
const CHALLENGE = /^[A-Za-z0-9._-]{1,256}$/;

/**
 * Meta's subscription handshake: GET ?hub.mode=subscribe&hub.verify_token=<what the user typed in the
 * App Dashboard>&hub.challenge=<n>. We answer with the challenge only when the token is this
 * integration's webhook secret.
 */
export function facebookWebhookHandshake(query: Record<string, string | undefined>, webhookSecret: string): string | null {
  const challenge = query['hub.challenge'];
  const token = query['hub.verify_token'];
  if (query['hub.mode'] !== 'subscribe' || !webhookSecret || typeof token !== 'string' || typeof challenge !== 'string') return null;
  if (!sameSecret(token, webhookSecret)) return null;
  return CHALLENGE.test(challenge) ? challenge : null;
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

export interface LeadgenChange {
  leadgenId: string;
  pageId?: string;
  formId?: string;
  adId?: string;
  createdTime?: number;
}

interface Entry {
  id?: unknown;
  time?: unknown;
  changes?: unknown;
}

function entries(payload: unknown): Entry[] {
  if (!payload || typeof payload !== 'object') return [];
  const list = (payload as { entry?: unknown }).entry;
  return Array.isArray(list) ? list.filter((e): e is Entry => !!e && typeof e === 'object') : [];
}

function changesOf(entry: Entry): { field?: unknown; value?: unknown }[] {
  return Array.isArray(entry.changes) ? entry.changes.filter((c) => !!c && typeof c === 'object') : [];
}

function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

/** The leadgen changes of a Page webhook: {"object":"page","entry":[{"changes":[{"field":"leadgen","value":{…}}]}]}. */
export function leadgenChanges(payload: unknown): LeadgenChange[] {
  if ((payload as { object?: unknown } | null)?.object !== 'page') return [];
  const out: LeadgenChange[] = [];
  for (const entry of entries(payload)) {
    for (const change of changesOf(entry)) {
      if (change.field !== 'leadgen' || !change.value || typeof change.value !== 'object') continue;
      const v = change.value as Record<string, unknown>;
      const leadgenId = idString(v.leadgen_id);
      if (!leadgenId) continue;
      out.push({
        leadgenId,
        pageId: idString(v.page_id) ?? idString(entry.id),
        formId: idString(v.form_id),
        adId: idString(v.ad_id),
        createdTime: typeof v.created_time === 'number' ? v.created_time : undefined,
      });
    }
  }
  return out;
}

/**
 * Meta signs each delivery with X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed
 * with the App Secret>. The integration's own webhook secret only serves the GET handshake.
 */
export function verifyFacebookWebhook(req: WebhookRequest, appSecret: string | undefined): WebhookVerification {
  if (!appSecret) return { ok: false, reason: 'appSecret is not configured' };
  const signature = header(req.headers, 'x-hub-signature-256');
  if (!signature) return { ok: false, reason: 'X-Hub-Signature-256 header is missing' };
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!m) return { ok: false, reason: 'X-Hub-Signature-256 is not of the form sha256=<64 hex digits>' };
  const expected = createHmac('sha256', appSecret).update(req.rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(m[1], 'hex'))) return { ok: false, reason: 'X-Hub-Signature-256 does not match the body (wrong App Secret, or the body was altered)' };

  let payload: unknown;
  try {
    payload = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the signed body is not JSON' };
  }
  // Meta retries a failed delivery with the original body for up to ~36 hours; dedupe by event id covers replays.
  return { ok: true, replayWindowMs: META_RETRY_WINDOW_MS, ...describeDelivery(payload), payload };
}

/**
 * Dedupe id, time and type of a delivery. Meta batches changes and re-sends the same body on retry, so
 * the id is the leadgen id when there is one change, else a digest of every change's identity.
 */
const META_RETRY_WINDOW_MS = 48 * 3600_000;

function describeDelivery(payload: unknown): Pick<WebhookVerification, 'eventId' | 'timestamp' | 'eventType'> {
  const object = (payload as { object?: unknown } | null)?.object;
  const ids: string[] = [];
  const fields = new Set<string>();
  let latest = 0;
  for (const entry of entries(payload)) {
    if (typeof entry.time === 'number' && Number.isFinite(entry.time)) latest = Math.max(latest, entry.time);
    for (const change of changesOf(entry)) {
      const field = typeof change.field === 'string' ? change.field : 'unknown';
      fields.add(field);
      const leadgenId = idString((change.value as Record<string, unknown> | undefined)?.leadgen_id);
      ids.push(leadgenId ?? `${field}:${idString(entry.id) ?? '?'}:${String(entry.time)}`);
    }
  }
  const eventId = ids.length === 1 ? ids[0] : ids.length > 1 ? `batch:${createHash('sha256').update([...ids].sort().join('\n')).digest('hex').slice(0, 40)}` : undefined;
  return {
    ...(eventId ? { eventId } : {}),
    // entry.time is unix seconds (Meta sometimes sends ms for other products: tell them apart by size).
    ...(latest > 0 ? { timestamp: new Date(latest < 1e12 ? latest * 1000 : latest) } : {}),
    ...(typeof object === 'string' ? { eventType: `${object}.${[...fields].sort().join(',') || 'unknown'}` } : {}),
  };
}
