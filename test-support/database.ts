import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, type Database } from '../server/db/connect';

/** Which database the current Vitest project runs against: `pglite` (default) or `postgres`. */
export const TEST_DB_KIND: 'pglite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/**
 * A fresh, migrated, empty database for one test file: a copy of the template PGlite, or a new
 * PostgreSQL database created on TEST_DATABASE_URL's server (dropped again by `close`). `migrationsFolder`: migrated
 * with those instead (an earlier schema, to test an upgrade).
 */
export async function createTestDatabase(opts: { poolSize?: number; preparedStatements?: boolean; migrationsFolder?: string } = {}): Promise<Database> {
  if (TEST_DB_KIND === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `loctelli_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), poolSize: opts.poolSize ?? 5, preparedStatements: opts.preparedStatements, migrationsFolder: opts.migrationsFolder });
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  // The template is migrated to the latest: other migrations (an upgrade test) start from an empty database.
  const dump = opts.migrationsFolder ? undefined : process.env.PGLITE_TEMPLATE_DUMP;
  const pglite = dump ? new PGlite({ loadDataDir: new Blob([readFileSync(dump)]) }) : new PGlite();
  return openDatabase({ pglite, migrationsFolder: opts.migrationsFolder });
}

/** Every row of every table as text: what a database dump would reveal. */
export async function dumpAllText(database: Database): Promise<string> {
  const tables = await database.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public'`);
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const rows = await database.query(`select * from "${tablename}"`);
    parts.push(`-- ${tablename}\n${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}
