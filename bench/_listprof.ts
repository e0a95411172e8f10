import { populate } from './list';
import { startBenchServer } from './server';
const kind = (process.env.DB ?? 'postgres') as 'postgres' | 'pglite';
const bench = await startBenchServer(kind);
const subs = await populate(bench.server.database, kind);
const ids = subs.map((s) => s.id);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2); };
const { listIntegrations } = await import('../server/integrations/queries');
const admin = { id: 1, role: 'super_admin', subAccountIds: [] } as any;
for (let round = 0; round < 2; round++) {
  const sql: number[] = [], fn: number[] = [], inj: number[] = [];
  for (let i = 0; i < 1500; i++) {
    const id = ids[(i * 7919) % ids.length];
    let t = performance.now();
    await bench.server.database.query(`select i.id from integrations i where i.sub_account_id = $1 order by i.id desc limit 51`, [id]);
    sql.push(performance.now() - t);
    t = performance.now();
    await listIntegrations(bench.server.database, admin, { subAccountId: id, limit: 50 });
    fn.push(performance.now() - t);
    t = performance.now();
    await bench.call('GET', `/api/integrations?subAccountId=${id}`);
    inj.push(performance.now() - t);
  }
  console.log({ sql: [pct(sql, 50), pct(sql, 99)], listFn: [pct(fn, 50), pct(fn, 99)], inject: [pct(inj, 50), pct(inj, 99)] });
}
await bench.close();
process.exit(0);
