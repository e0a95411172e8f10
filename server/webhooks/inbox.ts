import type { Database } from '../db/connect';
import { isDatabaseUnavailable, isUniqueViolation } from '../db/errors';

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
/** After a redelivery, batches go straight to the ON CONFLICT form for this long. */
const REDELIVERY_MODE_MS = 60_000;

interface StoredRow {
  id: number;
  integrationId: number;
  eventId: string | null;
}

// One statement over the whole batch as one JSON parameter (plain SQL: on the hot path the query builder cost more
// than the insert; and text arrays of JSON payloads made the driver escape every quote of every payload). Fields are
// taken out of the parsed array as they are (jsonb_to_recordset printed each payload and parsed it again). Prepared:
// on PostgreSQL, parsing and planning it was a quarter of the database's work per batch.
const INSERT_BATCH = `insert into webhook_events (integration_id, source_ip, event_id, event_type, payload, verified, status)
  select (e->>'integration_id')::int, e->>'source_ip', e->>'event_id', e->>'event_type', nullif(e->'payload', 'null'::jsonb), true, 'accepted'
  from jsonb_array_elements($1::jsonb) as e`;
const RETURNING = `returning id, integration_id as "integrationId", event_id as "eventId"`;
const INTAKE_SQL = `${INSERT_BATCH} ${RETURNING}`;
const INTAKE_DEDUPE_SQL = `${INSERT_BATCH} on conflict do nothing ${RETURNING}`;

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
  private redeliverySeenAt = -Infinity;

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
    const failed = new Map<Waiting, unknown>();
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
          failed.set(w, e);
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
    // A repeat of a delivery whose own insert failed fails the same way (its integration gone, say: 404, not 500).
    for (const { w, of } of repeats) if (!stored.has(of)) w.reject(failed.get(of) ?? new Error('the first copy of this delivery could not be stored'));
  }

  private async insert(batch: Waiting[]): Promise<Map<Waiting, number | null>> {
    const param = JSON.stringify(
      batch.map(({ delivery: x }) => ({ integration_id: x.integrationId, source_ip: x.sourceIp, event_id: x.eventId, event_type: x.eventType, payload: x.payload ?? null })),
    );
    // A plain insert skips ON CONFLICT's speculative insertion (a tenth of the database's work per row). The unique
    // index still refuses a second copy of an event: that batch is stored again with ON CONFLICT, and so is every batch
    // for a while after it, since providers redeliver in waves.
    if (performance.now() - this.redeliverySeenAt > REDELIVERY_MODE_MS) {
      try {
        return this.matchStored(batch, await this.database.queryPrepared<StoredRow>('webhook_events_intake', INTAKE_SQL, [param]));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        this.redeliverySeenAt = performance.now();
      }
    }
    return this.matchStored(batch, await this.database.queryPrepared<StoredRow>('webhook_events_intake_dedupe', INTAKE_DEDUPE_SQL, [param]));
  }

  private matchStored(batch: Waiting[], rows: StoredRow[]): Map<Waiting, number | null> {
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
