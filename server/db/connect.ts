import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { PglitePreparedStatements } from './pglite-prepared';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The rows of a plain SQL statement run through Drizzle (in a transaction too): both drivers answer `execute` with `{ rows }`. */
export async function executeRows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** A parameter of `queryPrepared`: sent as text, so plain values only (an array of texts, to a `$n::text[]`). */
export type PreparedParam = string | number | boolean | null | string[];

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Raw parameterised SQL, for the few places (dumps, locks, tests) that need it. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * The same, for a statement run very often (webhook intake): parsed and planned once per connection, then only
   * bound and executed. On PostgreSQL `preparedStatements: false` turns it into a plain query (a PgBouncer older than
   * 1.21 in transaction mode cannot keep prepared statements). `name` must be unique to `text`. On PGlite every
   * statement is kept prepared by its text (`pglite-prepared.ts`), so this is `query`.
   */
  queryPrepared<T = Record<string, unknown>>(name: string, text: string, params?: PreparedParam[]): Promise<T[]>;
  /** The PGlite instance when embedded (pg-boss and dumps use it); undefined on PostgreSQL. */
  pglite?: PGlite;
  /** The pool when on PostgreSQL. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; absent means in-memory. */
  dataDir?: string;
  /** An already open PGlite (tests clone a migrated template database). */
  pglite?: PGlite;
  poolSize?: number;
  /** Named prepared statements for `queryPrepared` on PostgreSQL (default true). */
  preparedStatements?: boolean;
  migrationsFolder?: string;
}

/** Opens PostgreSQL (when a URL is given) or PGlite and applies pending migrations. */
export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const migrationsFolder = opts.migrationsFolder ?? MIGRATIONS_FOLDER;
  if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
    // An idle client losing its connection (PostgreSQL restart) must not crash the process.
    pool.on('error', () => {});
    // Nor may a checked-out one (a transaction in progress): the pool listens only to idle clients, and an
    // 'error' event without a listener ends the process. The statement under way fails with the error anyway,
    // and the client, no longer queryable, is dropped from the pool when released.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const client = await pool.connect();
    try {
      // Several API/worker processes may start at once against one database: migrate one at a time.
      await client.query('select pg_advisory_lock(727001)');
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock(727001)').catch(() => {});
      client.release();
    }
    const query: Database['query'] = async (text, params) => (await pool.query(text, params as unknown[])).rows;
    const prepared = opts.preparedStatements ?? true;
    return {
      db,
      kind: 'postgres',
      pool,
      query,
      queryPrepared: prepared ? async (name, text, params) => (await pool.query({ name, text, values: params as unknown[] })).rows : (_name, text, params) => query(text, params),
      close: () => pool.end(),
    };
  }
  let pglite = opts.pglite;
  if (!pglite) {
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    pglite = new PGlite(opts.dataDir);
  }
  await pglite.waitReady;
  await migratePglite(drizzlePglite(pglite, { schema }), { migrationsFolder });
  const instance = pglite;
  // Every statement is kept prepared, those drizzle builds included (its driver needs only query() and transaction()).
  const statements = new PglitePreparedStatements(instance);
  const db = drizzlePglite({ client: statements.drizzleClient() as PGlite, schema }) as unknown as Db;
  const query = async <T,>(text: string, params?: unknown[]) => (await statements.query<T>(text, params)).rows;
  return {
    db,
    kind: 'pglite',
    pglite: instance,
    query,
    queryPrepared: (_name, text, params) => query(text, params),
    close: () => instance.close(),
  };
}
