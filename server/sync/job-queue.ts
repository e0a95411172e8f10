import PgBoss from 'pg-boss';
import type { Database } from '../db/connect';

/**
 * pg-boss on the same database as everything else. On PostgreSQL it shares our pool; on PGlite it goes
 * through `executeSql`, where statements without parameters (pg-boss's own migrations) may hold several
 * commands and must use `exec`.
 */
export function createJobQueue(database: Database): PgBoss {
  const executeSql = async (text: string, values?: unknown[]) => {
    if (database.pool) return database.pool.query(text, values as unknown[]);
    const pglite = database.pglite!;
    if (!values || values.length === 0) {
      const results = await pglite.exec(text);
      return { rows: results.length ? results[results.length - 1].rows : [] };
    }
    return pglite.query(text, values);
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
