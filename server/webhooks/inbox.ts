import type { Database } from '../db/connect';
import { isDatabaseUnavailable } from '../db/errors';

export interface VerifiedDelivery {
  integrationId: number;
  sourceIp: string;
  eventId: string | null;
  eventType: string | null;
  payload: unknown;
}

interface Waiting {
  delivery: VerifiedDelivery;
  resolve: (stored: { id: number | null }) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Durable intake of verified webhook deliveries with group commit: deliveries that arrive while a write is
 * in flight are stored together by the next one, in one multi-row insert and one commit. With one request
 * at a time nothing waits (the write starts at once); under a burst, the cost per delivery falls to a
 * share of a statement. Each caller learns whether its delivery was stored (`id`) or was a duplicate of an
 * event already stored (`id: null`, same integration and provider event id), only after the commit.
 * `onStored` is told the ids of newly stored events (after their commit) so a worker can look at once.
 */
export class WebhookInbox {
  private pending: Waiting[] = [];
  private writing = false;

  constructor(
    private database: Database,
    private onStored: (eventIds: number[]) => void,
  ) {}

  store(delivery: VerifiedDelivery): Promise<{ id: number | null }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let deliveries parsed in the same turn of the event loop join the first write.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
    try {
      while (this.pending.length) await this.write(this.pending.splice(0, MAX_BATCH));
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Waiting[]) {
    // A provider may redeliver while the first copy is still waiting here: the second is a duplicate.
    const first = new Map<string, Waiting>();
    const unique: Waiting[] = [];
    const repeats: Array<{ w: Waiting; of: Waiting }> = [];
    for (const w of batch) {
      const key = w.delivery.eventId === null ? null : `${w.delivery.integrationId}:${w.delivery.eventId}`;
      const earlier = key === null ? undefined : first.get(key);
      if (earlier) repeats.push({ w, of: earlier });
      else {
        if (key !== null) first.set(key, w);
        unique.push(w);
      }
    }
    let stored: Map<Waiting, number | null>;
    try {
      stored = await this.insert(unique);
    } catch (err) {
      // Nothing can be stored one by one either when the database is away (the route answers 503).
      if (unique.length === 1 || isDatabaseUnavailable(err)) {
        for (const w of unique) w.reject(err);
        for (const r of repeats) r.w.reject(err);
        return;
      }
      // One bad row must not fail its neighbours: store them one by one to find it.
      stored = new Map();
      for (const w of unique) {
        try {
          for (const [k, v] of await this.insert([w])) stored.set(k, v);
        } catch (e) {
          w.reject(e);
        }
      }
    }
    const ids = [...stored.values()].filter((id): id is number => id !== null);
    if (ids.length) {
      try {
        this.onStored(ids);
      } catch {
        // Waking the worker is a courtesy: it polls for stored events anyway.
      }
    }
    for (const [w, id] of stored) w.resolve({ id });
    for (const { w, of } of repeats) if (stored.has(of)) w.resolve({ id: null });
    // A repeat of a delivery whose own insert failed fails the same way.
    for (const { w, of } of repeats) if (!stored.has(of)) w.reject(new Error('the first copy of this delivery could not be stored'));
  }

  private async insert(batch: Waiting[]): Promise<Map<Waiting, number | null>> {
    // One statement over the whole batch as one JSON parameter (plain SQL: on the hot path the query builder cost
    // more than the insert; and text arrays of JSON payloads made the driver escape every quote of every payload).
    // Prepared: on PostgreSQL, parsing and planning this statement was a quarter of the database's work per batch.
    const rows = await this.database.queryPrepared<{ id: number; integrationId: number; eventId: string | null }>(
      'webhook_events_intake',
      `insert into webhook_events (integration_id, source_ip, event_id, event_type, payload, verified, status)
       select integration_id, source_ip, event_id, event_type, payload, true, 'accepted'
       from jsonb_to_recordset($1::jsonb) as t(integration_id int, source_ip text, event_id text, event_type text, payload jsonb)
       on conflict do nothing
       returning id, integration_id as "integrationId", event_id as "eventId"`,
      [
        JSON.stringify(
          batch.map(({ delivery: x }) => ({ integration_id: x.integrationId, source_ip: x.sourceIp, event_id: x.eventId, event_type: x.eventType, payload: x.payload ?? null })),
        ),
      ],
    );
    const byKey = new Map(rows.filter((r) => r.eventId !== null).map((r) => [`${r.integrationId}:${r.eventId}`, r.id]));
    const result = new Map<Waiting, number | null>();
    // Deliveries without an event id cannot conflict, so all of them were stored; their ids are only
    // needed as a set (to queue processing), so the order RETURNING gives them in does not matter.
    const keyless = rows.filter((r) => r.eventId === null).map((r) => r.id);
    for (const w of batch) {
      const x = w.delivery;
      result.set(w, x.eventId === null ? (keyless.shift() ?? null) : (byKey.get(`${x.integrationId}:${x.eventId}`) ?? null));
    }
    return result;
  }
}
