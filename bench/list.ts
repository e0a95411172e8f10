/**
 * list: the management list and summary on 100,000 integrations across 2,000 subaccounts (bulk-inserted with SQL),
 * through the real server over HTTP, signed in as the super_admin, measured by the load generator (its own process,
 * one keep-alive connection, sequential requests, the lean HTTP/1.1 client: bench/http1-client.ts). Baseline: GET
 * /api/health on the same server (one `select 1`), alternating rounds with the subject. The pages seen before are also
 * measured with node:http's client, as every run before 2026-11-27 was, so older figures stay comparable.
 *   GET /api/integrations?subAccountId=<500 random of 2,000>  p99 [< 5 ms] (each row's JSON kept with it: migration 0007)
 *   GET /api/integrations/summary (all subaccounts; also ?groupBy=subAccount)  p99 [< 50 ms]
 */
import type { Database } from '../server/db/connect';
import { loadgen, median, record, type BenchArgs, type DbKind, type LoadResult } from './lib';
import { startBenchServer } from './server';

const SUBACCOUNTS = 2_000;
const INTEGRATIONS = 100_000;

/** 100,000 integrations across 2,000 new subaccounts (3 templates, 4 statuses, half with a sealed-looking secret), analyzed. */
export async function populate(database: Database, kind: string) {
  const q = database.query.bind(database);
  const [{ id: adminId }] = await q<{ id: number }>(`select id from admin_users order by id limit 1`);
  const subs = await q<{ id: number }>(`insert into sub_accounts (name, description) select 'Bench subaccount ' || g, 'bench' from generate_series(1, ${SUBACCOUNTS}) g returning id`);
  const t0 = performance.now();
  await q(
    `insert into integrations (sub_account_id, integration_template_id, name, description, config, secrets, status, is_active, created_by_admin_id, created_at)
     select s.id, t.id, 'Integration ' || g, case when g % 5 = 0 then 'Imported by the benchmark' end,
            jsonb_build_object('locationId', 'Loc' || g, 'calendarId', 'Cal' || g),
            case when g % 2 = 0 then jsonb_build_object('apiKey', 'v1.bench.aaaa.bbbb.cccc') else '{}'::jsonb end,
            (array['pending','active','error','disconnected'])[1 + (g / ${SUBACCOUNTS} + g) % 4], g % 3 = 0, $1, now() - (g || ' seconds')::interval
     from generate_series(1, ${INTEGRATIONS}) g
     join (select id, row_number() over (order by id) - 1 as rn from sub_accounts where description = 'bench') s on s.rn = g % ${SUBACCOUNTS}
     join (select id, row_number() over (order by id) - 1 as rn from integration_templates) t on t.rn = g % 3`,
    [adminId],
  );
  await q('vacuum analyze integrations');
  await q('analyze');
  const [{ n }] = await q<{ n: number }>(`select count(*)::int n from integrations`);
  console.log(`  ${kind}: ${n.toLocaleString('en-US')} integrations in ${SUBACCOUNTS.toLocaleString('en-US')} subaccounts inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  return subs;
}

async function runOn(kind: DbKind, args: BenchArgs) {
  const bench = await startBenchServer(kind);
  try {
    const subs = await populate(bench.server.database, kind);
    const headers = { authorization: `Bearer ${bench.token}` };
    const base = bench.server.url;
    const durationMs = args.quick ? 1500 : 3000;
    const rounds = args.quick ? 2 : 3;
    const shuffled = [...subs].sort(() => Math.random() - 0.5).slice(0, 500);
    const listPaths = shuffled.map((s) => `/api/integrations?subAccountId=${s.id}`);
    const seq = (paths: string[], client: 'lean' | 'node') => loadgen({ base, paths, headers, mode: 'closed', client, connections: 1, durationMs, warmupMs: 300 });

    const measure = async (paths: string[], client: 'lean' | 'node' = 'lean') => {
      const health: LoadResult[] = [];
      const subject: LoadResult[] = [];
      for (let r = 0; r < rounds; r++) {
        health.push(await seq(['/api/health'], client));
        subject.push(await seq(paths, client));
      }
      const errors = subject.reduce((a, x) => a + x.errors, 0);
      return { s: median(subject.map((x) => x.latency.p99)), b: median(health.map((x) => x.latency.p99)), p50: median(subject.map((x) => x.latency.p50)), errors, statuses: subject.map((x) => x.statuses) };
    };

    const list = await measure(listPaths);
    record({
      bench: 'list', db: kind, metric: `GET /integrations?subAccountId= p99 (50 per page, median of ${rounds} rounds)`, value: list.s, unit: 'ms',
      baseline: { label: 'GET /health p99', value: list.b, unit: 'ms' }, ratio: list.s / list.b, goal: '< 5 ms', pass: list.s < 5 && list.errors === 0,
      note: `p50 ${list.p50.toFixed(2)} ms${list.errors ? `; errors ${JSON.stringify(list.statuses)}` : ''}`,
    });
    const old = await measure(listPaths, 'node');
    record({
      bench: 'list', db: kind, metric: `GET /integrations?subAccountId= p99 (node:http client as before 2026-11-27, median of ${rounds} rounds)`, value: old.s, unit: 'ms',
      baseline: { label: 'GET /health p99', value: old.b, unit: 'ms' }, ratio: old.s / old.b,
      note: `for comparison with older runs; p50 ${old.p50.toFixed(2)} ms${old.errors ? `; errors ${JSON.stringify(old.statuses)}` : ''}`,
    });
    for (const path of ['/api/integrations/summary', '/api/integrations/summary?groupBy=subAccount']) {
      const m = await measure([path]);
      record({
        bench: 'list', db: kind, metric: `GET ${path.slice(4)} p99 (all 100,000)`, value: m.s, unit: 'ms',
        baseline: { label: 'GET /health p99', value: m.b, unit: 'ms' }, ratio: m.s / m.b, goal: '< 50 ms', pass: m.s < 50 && m.errors === 0,
        note: `p50 ${m.p50.toFixed(2)} ms${m.errors ? `; errors ${JSON.stringify(m.statuses)}` : ''}`,
      });
    }
  } finally {
    await bench.close();
  }
}

export async function run(args: BenchArgs) {
  for (const kind of args.dbs) await runOn(kind, args);
}
