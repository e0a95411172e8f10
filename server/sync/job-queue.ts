import { createRequire } from 'node:module';
import PgBoss from 'pg-boss';
import type { Database } from '../db/connect';

const settlementObserved = Symbol.for('loctelli.pgBossSettlementObserved');

/**
 * pg-boss 10 settles every fetched job with `this.complete(...)` or `this.fail(...)` without awaiting them
 * (`onFetch` in src/manager.js; https://github.com/timgit/pg-boss/issues/577). When the database is unreachable at
 * that moment (PostgreSQL restarting) the rejected promise is unhandled and Node ends the process. Observe those
 * promises and report their failure as the queue's 'error' event, like pg-boss's other background failures; callers
 * that await them still get the rejection. The job itself stays active until it expires and is retried, which
 * is harmless: sync_runs is the record of truth, and the scheduler resumes a run whose heartbeat went stale.
 */
function observeJobSettlement() {
  const require = createRequire(import.meta.url);
  const Manager = require('pg-boss/src/manager') as { prototype: Record<string | symbol, unknown> };
  const proto = Manager.prototype;
  if (proto[settlementObserved]) return;
  for (const name of ['complete', 'fail'] as const) {
    const original = proto[name];
    if (typeof original !== 'function') throw new Error(`pg-boss internals changed: Manager.prototype.${name} is missing; review observeJobSettlement`);
    proto[name] = function (this: { emit(event: string, arg: unknown): boolean }, ...args: unknown[]) {
      const settled = (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      settled.catch((err: unknown) => this.emit('error', err));
      return settled;
    };
  }
  proto[settlementObserved] = true;
}

/**
 * pg-boss on the same database as everything else. On PostgreSQL it shares our pool; on PGlite it goes
 * through `executeSql`, where statements without parameters (pg-boss's own migrations) may hold several
 * commands and must use `exec`; those with parameters are single statements, run as kept prepared statements.
 */
export function createJobQueue(database: Database): PgBoss {
  // Only a PostgreSQL server can go away under a running process; the embedded PGlite cannot.
  if (database.pool) observeJobSettlement();
  const executeSql = async (text: string, values?: unknown[]) => {
    if (database.pool) return database.pool.query(text, values as unknown[]);
    const pglite = database.pglite!;
    if (!values || values.length === 0) {
      const results = await pglite.exec(text);
      return { rows: results.length ? results[results.length - 1].rows : [] };
    }
    // Through the kept statements like every other query (pg-boss reads only `rows`): its polls and job updates are
    // the same few texts again and again, which PGlite's query() would parse and plan each time on the event loop.
    return { rows: await database.query(text, values) };
  };
  return new PgBoss({
    db: { executeSql },
    schema: 'pgboss',
    // Our sync_runs table is the record of truth; pg-boss only delivers work, so keep its history short.
    deleteAfterDays: 2,
    // The embedded database has one connection; frequent maintenance would compete with the API.
    maintenanceIntervalSeconds: 120,
  });
}

export const QUEUES = {
  sync: 'integration-sync',
  webhook: 'webhook-process',
} as const;
