/**
 * bulk-sync: "Sync now" on 200 GoHighLevel integrations across 20 subaccounts (10 each, requested subaccount by
 * subaccount, as a bulk action on a sorted list does), through the real server (API → sync_runs → pg-boss → worker at
 * the default SYNC_CONCURRENCY=2 → handler → fake GHL with its limit lifted → sync_records).
 *   throughput: integrations/s and contacts/s of the bulk run; baseline: one integration synced alone (same size),
 *     as runs/s — the ratio is the speed-up the worker's concurrency gives.
 *   fairness: the fraction of the run after which every subaccount has at least one finished sync (taking turns
 *     between subaccounts: ≈ 1/10; first-in-first-out: ≈ 1), and the subaccounts' median completion times.
 */
import { startFakeGhl } from '../server/providers/gohighlevel/fake';
import { median, now, record, sleep, type BenchArgs, type DbKind } from './lib';
import { startBenchServer } from './server';

const SUBS = 20;
const PER_SUB = 10;

async function runOn(kind: DbKind, args: BenchArgs) {
  const contacts = args.quick ? 300 : 1000;
  const total = SUBS * PER_SUB;
  const locations = Array.from({ length: total + 1 }, (_, i) => ({ id: `LocBench${String(i).padStart(5, '0')}`, name: `Loc ${i}`, contacts, calendars: 1, eventsPerCalendar: 0 }));
  const token = 'pit-bench-agency-token-0001';
  const fake = await startFakeGhl({ locations, tokens: { [token]: { locations: '*' } }, rateLimit: { max: 1e9, intervalMs: 1000, dailyLimit: 1e9 } });
  // The built-in GoHighLevel handler reads its base URL from the process environment.
  const previous = process.env.GHL_API_BASE_URL;
  process.env.GHL_API_BASE_URL = fake.url;
  const bench = await startBenchServer(kind, { RUN_WORKER: 'true', SYNC_SCHEDULER_INTERVAL_SECONDS: '3600' }).finally(() => {
    if (previous === undefined) delete process.env.GHL_API_BASE_URL;
    else process.env.GHL_API_BASE_URL = previous;
  });
  try {
    const tpl = (await bench.call('GET', '/api/integration-templates')).json().find((t: { name: string }) => t.name === 'GoHighLevel');
    const create = async (sub: number, i: number) => {
      const res = await bench.call('POST', '/api/integrations', { subAccountId: sub, integrationTemplateId: tpl.id, name: `GHL ${i}`, config: { apiKey: token, locationId: locations[i].id } });
      if (res.statusCode !== 201) throw new Error(`create: ${res.body}`);
      return res.json().id as number;
    };
    const subIds: number[] = [];
    for (let s = 0; s < SUBS; s++) {
      const res = await bench.call('POST', '/api/subaccounts', { name: `Bulk ${s}` });
      subIds.push(res.json().id);
    }
    const single = await create(subIds[0], total);
    const ids: Array<{ id: number; sub: number }> = [];
    for (let s = 0; s < SUBS; s++) for (let k = 0; k < PER_SUB; k++) ids.push({ id: await create(subIds[s], s * PER_SUB + k), sub: subIds[s] });

    const q = bench.server.database.query.bind(bench.server.database);
    const waitDone = async (list: number[]) => {
      for (;;) {
        const [{ n }] = await q<{ n: number }>(`select count(*)::int n from sync_runs where integration_id = any($1) and status in ('succeeded','partial','failed')`, [list]);
        if (n >= list.length) return;
        await sleep(100);
      }
    };
    const sync = async (id: number) => {
      const res = await bench.call('POST', `/api/integrations/${id}/sync`);
      if (res.statusCode !== 202) throw new Error(`sync: ${res.body}`);
    };
    // Baseline: one integration alone.
    let t = now();
    await sync(single);
    await waitDone([single]);
    const singleMs = now() - t;

    t = now();
    for (const { id } of ids) await sync(id);
    const requestedMs = now() - t;
    await waitDone(ids.map((x) => x.id));
    const bulkMs = now() - t;
    const runs = await q<{ integration_id: number; status: string; done_ms: number; stored: number }>(
      `select r.integration_id, r.status, extract(epoch from r.finished_at) * 1000 as done_ms,
              (select count(*)::int from sync_records s where s.integration_id = r.integration_id and s.kind = 'contact') stored
       from sync_runs r where r.integration_id = any($1)`,
      [ids.map((x) => x.id)],
    );
    const failed = runs.filter((r) => r.status !== 'succeeded');
    const missing = runs.filter((r) => r.stored !== contacts);
    const t0 = Math.min(...runs.map((r) => Number(r.done_ms)));
    const subOf = new Map(ids.map((x) => [x.id, x.sub]));
    const perSub = new Map<number, number[]>();
    for (const r of runs) (perSub.get(subOf.get(r.integration_id)!) ?? perSub.set(subOf.get(r.integration_id)!, []).get(subOf.get(r.integration_id)!)!).push(Number(r.done_ms) - t0);
    // When every subaccount had its first sync done, as a fraction of the whole run: a scheduler that takes turns
    // between subaccounts gets there after about 1/PER_SUB of the run; first-in-first-out only near the end.
    const firstDone = Math.max(...[...perSub.values()].map((xs) => Math.min(...xs)));
    const span = Math.max(...runs.map((r) => Number(r.done_ms))) - t0;
    const medians = [...perSub.values()].map(median).sort((a, b) => a - b);
    const runsPerS = total / (bulkMs / 1000);
    const singlePerS = 1 / (singleMs / 1000);
    record({
      bench: 'bulk-sync', db: kind, metric: `throughput, ${total} integrations × ${contacts.toLocaleString('en-US')} contacts in ${(bulkMs / 1000).toFixed(1)} s (requests took ${(requestedMs / 1000).toFixed(1)} s)`,
      value: runsPerS, unit: 'syncs/s', baseline: { label: 'one sync alone', value: singlePerS, unit: 'syncs/s' }, ratio: runsPerS / singlePerS,
      note: `${Math.round((total * contacts) / (bulkMs / 1000)).toLocaleString('en-US')} contacts/s; ${failed.length} failed, ${missing.length} incomplete`,
      pass: failed.length === 0 && missing.length === 0 ? undefined : false,
    });
    record({
      bench: 'bulk-sync', db: kind, metric: `fairness: every one of ${SUBS} subaccounts has a finished sync after this fraction of the run`, value: firstDone / span, unit: '',
      baseline: { label: 'taking turns', value: 1 / PER_SUB, unit: '' }, ratio: firstDone / span / (1 / PER_SUB),
      note: `subaccount median completion: first ${(medians[0] / 1000).toFixed(1)} s, last ${(medians[medians.length - 1] / 1000).toFixed(1)} s of ${(span / 1000).toFixed(1)} s`,
    });
  } finally {
    await bench.close();
    await fake.close();
  }
}

export async function run(args: BenchArgs) {
  for (const kind of args.dbs) await runOn(kind, args);
}
