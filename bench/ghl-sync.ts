/**
 * ghl-sync: GoHighLevel contact sync against the local fake.
 *  1. Rate: 100,000 contacts (--quick: 20,000 with a 2 s window) through the fake limited to 100 requests / 10 s per
 *     location, stored through the real path (handler → upsertRecords → sync_records). Reported: achieved request
 *     rate / allowed rate [≥ 0.95] and 429s [0]. n requests at the allowed rate take floor((n-1)/100) windows from the
 *     first to the last; the ratio is that time over the time they actually took.
 *  2. Ingest: the fake's limit lifted; contacts/s through the real path (the fake in its own process, as an upstream is
 *     → HTTP → handler → upsertRecords) over a plain batched upsert of the same rows into the same table: the sync's
 *     own upsert called directly, 100 rows a call like the pages [≥ 0.7]; also over drizzle's builder upserting them.
 *     The paths alternate, each into a fresh integration.
 * PGlite runs on a data folder (openBenchDatabase), as the console does; until 2026-11-27 it ran in memory.
 */
import { sql } from 'drizzle-orm';
import { syncRecords } from '../server/db/schema';
import type { Database } from '../server/db/connect';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN, generateContacts, startFakeGhl, type FakeGhlOptions } from '../server/providers/gohighlevel/fake';
import { createGoHighLevelHandler } from '../server/providers/gohighlevel/handler';
import { RateLimiterRegistry } from '../server/providers/gohighlevel/rate-limiter';
import type { SyncContext, SyncRecord } from '../server/providers/registry';
import { upsertRecords } from '../server/sync/records';
import { insertIntegrations, seedBase } from './fixtures';
import { median, now, openBenchDatabase, record, spawnBenchScript, type BenchArgs, type DbKind } from './lib';

function realSyncContext(database: Database, integrationId: number, onBatch?: (n: number) => void): SyncContext {
  return {
    signal: new AbortController().signal,
    since: null,
    upsert: async (batch: SyncRecord[]) => {
      await upsertRecords(database.db, integrationId, null, batch);
      onBatch?.(batch.length);
    },
    progress: () => {},
  };
}

async function rateRun(kind: DbKind, args: BenchArgs) {
  const contacts = args.quick ? 20_000 : 100_000;
  const max = 100;
  const intervalMs = args.quick ? 2_000 : 10_000;
  const database = await openBenchDatabase(kind);
  const fake = await startFakeGhl({ locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts }], rateLimit: { max, intervalMs } });
  try {
    const base = await seedBase(database);
    const [integrationId] = await insertIntegrations(database, base, 'GoHighLevel', 1);
    const handler = createGoHighLevelHandler({ baseUrl: fake.url, limiters: new RateLimiterRegistry() });
    let stored = 0;
    const summary = await handler.syncData!({ apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID }, realSyncContext(database, integrationId, (n) => (stored += n)));
    const times = fake.state.requests.map((r) => r.at);
    const spanMs = times[times.length - 1] - times[0];
    // The allowed schedule sends `max` at once, then `max` more every `intervalMs`: n requests need at least
    // floor((n - 1) / max) windows from first to last. Achieved rate = those requests / the time they actually took.
    const idealMs = Math.floor((times.length - 1) / max) * intervalMs;
    const steady = (idealMs / intervalMs) * max / spanMs; // per ms
    const allowed = max / intervalMs;
    const [{ n }] = await database.query<{ n: number }>(`select count(*)::int n from sync_records where integration_id = $1 and kind = 'contact'`, [integrationId]);
    if (summary.fetched.contact !== contacts || n !== contacts) throw new Error(`expected ${contacts} contacts, fetched ${summary.fetched.contact}, stored ${n}`);
    const ratio = steady / allowed;
    record({
      bench: 'ghl-sync', db: kind, metric: `request rate, ${contacts.toLocaleString('en-US')} contacts, ${times.length} requests in ${(spanMs / 1000).toFixed(1)} s`,
      value: steady * 1000, unit: 'req/s', baseline: { label: `allowed ${max}/${intervalMs / 1000}s`, value: allowed * 1000, unit: 'req/s' },
      ratio, goal: '≥ 0.95', pass: ratio >= 0.95,
    });
    record({ bench: 'ghl-sync', db: kind, metric: '429 responses', value: fake.state.tooManyRequests, unit: '', goal: '0', pass: fake.state.tooManyRequests === 0 });
    void stored;
  } finally {
    await fake.close();
    await database.close();
  }
}

/** The fake served by bench/fake-ghl-child.ts. */
async function fakeInOwnProcess(opts: FakeGhlOptions): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawnBenchScript('fake-ghl-child.ts', [JSON.stringify(opts)]);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).url);
    });
    child.on('exit', (code) => reject(new Error(`fake GoHighLevel exited ${code}`)));
  });
  return { url, close: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))) };
}

async function ingestRun(kind: DbKind, args: BenchArgs) {
  const contacts = args.quick ? 10_000 : 30_000;
  const rounds = 3;
  const database = await openBenchDatabase(kind);
  const anchorMs = Date.now();
  const fake = await fakeInOwnProcess({ anchorMs, locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts }], rateLimit: { max: 1e9, intervalMs: 1000, dailyLimit: 1e9 } });
  try {
    const base = await seedBase(database);
    const ids = await insertIntegrations(database, base, 'GoHighLevel', rounds * 3 + 3);
    // The same rows the fake serves (generated from the same seed and anchor), as the sync path stores them.
    const data = JSON.parse(JSON.stringify(generateContacts(FAKE_LOCATION_ID, contacts, anchorMs))) as Array<{ id: string }>;
    // The floor: the same rows stored by the sync's own upsert (`upsertRecords`, 100 per call like the pages) with no
    // fetch, no parsing, no handler. Until 2026-11-26 it was drizzle's query builder inserting the same rows, which the
    // sync's upsert now outruns (one JSON parameter per page instead of 500 built ones): kept as a second row, so
    // earlier figures stay comparable.
    const records = data.map((c) => ({ kind: 'contact', externalId: c.id, data: c as Record<string, unknown> }));
    const storeOnly = async (integrationId: number) => {
      for (let i = 0; i < records.length; i += 100) await upsertRecords(database.db, integrationId, null, records.slice(i, i + 100));
    };
    const builder = async (integrationId: number) => {
      for (let i = 0; i < data.length; i += 100) {
        await database.db
          .insert(syncRecords)
          .values(data.slice(i, i + 100).map((c) => ({ integrationId, kind: 'contact', externalId: c.id, data: c })))
          .onConflictDoUpdate({ target: [syncRecords.integrationId, syncRecords.kind, syncRecords.externalId], set: { data: sql`excluded.data` } });
      }
    };
    const real = async (integrationId: number) => {
      const handler = createGoHighLevelHandler({ baseUrl: fake.url, limiters: new RateLimiterRegistry() });
      await handler.syncData!({ apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID }, realSyncContext(database, integrationId));
    };
    // Warm-up of each path (JIT, caches), not measured.
    await storeOnly(ids[0]);
    await builder(ids[1]);
    await real(ids[2]);
    const rate = async (path: (integrationId: number) => Promise<void>, integrationId: number) => {
      const t = now();
      await path(integrationId);
      return contacts / ((now() - t) / 1000);
    };
    const subject: number[] = [];
    const baseline: number[] = [];
    const viaBuilder: number[] = [];
    for (let r = 0; r < rounds; r++) {
      baseline.push(await rate(storeOnly, ids[3 + 3 * r]));
      subject.push(await rate(real, ids[4 + 3 * r]));
      viaBuilder.push(await rate(builder, ids[5 + 3 * r]));
    }
    const [{ n }] = await database.query<{ n: number }>(`select count(*)::int n from sync_records where integration_id = $1 and kind = 'contact'`, [ids[4]]);
    if (n !== contacts) throw new Error(`sync stored ${n} of ${contacts} contacts`);
    const s = median(subject);
    const b = median(baseline);
    record({
      bench: 'ghl-sync', db: kind, metric: `ingest, limit lifted (${contacts.toLocaleString('en-US')} contacts, median of ${rounds})`,
      value: s, unit: 'contacts/s', baseline: { label: 'the same upsert alone', value: b, unit: 'rows/s' }, ratio: s / b, goal: '≥ 0.7', pass: s / b >= 0.7,
    });
    const q = median(viaBuilder);
    record({
      bench: 'ghl-sync', db: kind, metric: 'also: ingest against the earlier baseline', value: s, unit: 'contacts/s',
      baseline: { label: "drizzle's builder upsert", value: q, unit: 'rows/s' }, ratio: s / q,
    });
  } finally {
    await fake.close();
    await database.close();
  }
}

export async function run(args: BenchArgs) {
  for (const kind of args.dbs) {
    if (!args.flags.has('--no-rate')) await rateRun(kind, args);
    await ingestRun(kind, args);
  }
}
