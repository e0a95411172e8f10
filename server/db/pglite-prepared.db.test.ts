import { types, type PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND } from '../../test-support/database';
import type { Database } from './connect';
import { PglitePreparedStatements } from './pglite-prepared';

/** PGlite's statements kept prepared: the same answers as its own query(), a bounded set, and schema changes survived. */
let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

async function open(): Promise<PGlite> {
  database = await createTestDatabase();
  return database.pglite!;
}
const kept = async (pg: PGlite) => (await pg.query<{ name: string }>('select name from pg_prepared_statements order by name')).rows.map((r) => r.name);

describe.skipIf(TEST_DB_KIND !== 'pglite')('PglitePreparedStatements', () => {
  it('answers as PGlite\'s query() does, for every kind of parameter, in both row modes and with custom parsers', async () => {
    const pg = await open();
    const statements = new PglitePreparedStatements(pg);
    const text = `select $1::timestamptz as at, $2::boolean as yes, $3::int as n, $4::jsonb as doc, $5::int[] as ids, $6::text as nothing,
      $7::text as absent, $8::numeric as amount, $9::bytea as bytes, $10::text as words`;
    const params = [new Date('2026-11-26T10:00:00.000Z'), true, 42, { a: [1, 'two', null], 'quote"d': 'é 🚀' }, [3, 1, 2], null, undefined, '12.50', new Uint8Array([0, 255]), 'Zoë — 東京'];
    for (const options of [undefined, { rowMode: 'array' as const }, { rowMode: 'array' as const, parsers: { [types.TIMESTAMPTZ]: (v: string) => v } }]) {
      const mine = await statements.query(text, params, options);
      const theirs = await pg.query(text, params, options);
      expect(mine.rows).toEqual(theirs.rows);
      expect(mine.fields).toEqual(theirs.fields);
    }
    const write = await statements.query('create temp table t (v int)');
    expect(write.rows).toEqual([]);
    expect((await statements.query('insert into t select generate_series(1, $1::int)', [3])).affectedRows).toBe(3);
  });

  it('parses a text once, and closes the least recently used statement beyond its bound', async () => {
    const pg = await open();
    const statements = new PglitePreparedStatements(pg, 3);
    for (let i = 0; i < 3; i++) await statements.query('select $1::int as n', [i]);
    expect(await kept(pg)).toHaveLength(1);
    for (let i = 1; i <= 3; i++) await statements.query(`select ${i} as n`);
    await statements.query('select $1::int as n', [7]);
    const names = await kept(pg);
    expect(names).toHaveLength(3);
    expect(statements.size).toBe(3);
    // Still answers whatever was closed, by parsing it again.
    expect((await statements.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
    expect(await kept(pg)).toHaveLength(3);
  });

  it('keeps answering after a schema change alters what a kept statement returns', async () => {
    const pg = await open();
    const statements = new PglitePreparedStatements(pg);
    await pg.exec('create table shifting (a int); insert into shifting values (1)');
    expect((await statements.query('select * from shifting')).rows).toEqual([{ a: 1 }]);
    await pg.exec('alter table shifting add column b text default \'x\'');
    expect((await statements.query('select * from shifting')).rows).toEqual([{ a: 1, b: 'x' }]);
    // The stale statement was closed in the session, not left behind.
    expect(await kept(pg)).toHaveLength(1);
  });

  it('reports a failing statement with its SQLSTATE, and the session stays usable', async () => {
    const pg = await open();
    const statements = new PglitePreparedStatements(pg);
    await expect(statements.query('select 1 / $1::int as n', [0])).rejects.toMatchObject({ code: '22012' });
    await expect(statements.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01' });
    expect((await statements.query('select 1 / $1::int as n', [1])).rows).toEqual([{ n: 1 }]);
    expect(pg.isInTransaction()).toBe(false);
  });

  it('runs drizzle\'s transactions through kept statements: own writes seen, rollback and failure undo them', async () => {
    const pg = await open();
    const db = database!.db;
    await pg.exec('create table ledger (v text)');
    const before = (await kept(pg)).length;
    const seen = await db.transaction(async (tx) => {
      await tx.execute(sql`insert into ledger values (${'kept'})`);
      return ((await tx.execute(sql`select v from ledger where v = ${'kept'}`)) as unknown as { rows: { v: string }[] }).rows;
    });
    expect(seen).toEqual([{ v: 'kept' }]);
    expect((await kept(pg)).length).toBeGreaterThanOrEqual(before + 2);
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into ledger values (${'rolled back'})`);
        tx.rollback();
      })
      .catch(() => {});
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into ledger values (${'failed'})`);
        await tx.execute(sql`select 1 / ${0}::int`);
      }),
    ).rejects.toThrow();
    expect(pg.isInTransaction()).toBe(false);
    expect((await pg.query('select v from ledger')).rows).toEqual([{ v: 'kept' }]);
    // A transaction's handle used after its end refuses instead of running outside it.
    let escaped!: Parameters<Parameters<typeof db.transaction>[0]>[0];
    await db.transaction(async (tx) => {
      escaped = tx;
    });
    await expect(escaped.execute(sql`insert into ledger values (${'late'})`)).rejects.toThrow();
    expect((await pg.query('select v from ledger')).rows).toEqual([{ v: 'kept' }]);
  });
});
