import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND } from '../../test-support/database';
import { sql } from 'drizzle-orm';
import type { Database } from './connect';

/** queryPrepared: the same rows as query, and on PostgreSQL a statement the connection keeps (unless turned off). */
let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const SQL = 'select $1::int + 1 as n';

describe('queryPrepared', () => {
  it('answers like query', async () => {
    database = await createTestDatabase();
    expect(await database.queryPrepared('plus_one', SQL, [41])).toEqual([{ n: 42 }]);
    expect(await database.queryPrepared('plus_one', SQL, [1])).toEqual(await database.query(SQL, [1]));
  });

  it('passes every parameter whole: several, null, and text of multi-byte characters', async () => {
    database = await createTestDatabase();
    const text = 'select $1::text as a, $2::int as b, $3::text as c, octet_length($1::text) as bytes';
    const params = ['Zoë — 東京 🚀 \'quoted\' "json"', 7, null];
    expect(await database.queryPrepared('several', text, params)).toEqual([{ a: params[0], b: 7, c: null, bytes: Buffer.byteLength(params[0] as string) }]);
    expect(await database.queryPrepared('several', text, ['', null, 'x'])).toEqual([{ a: '', b: null, c: 'x', bytes: 0 }]);
  });

  it('reports a failing statement with its SQLSTATE and runs the next call normally', async () => {
    database = await createTestDatabase();
    await expect(database.queryPrepared('divide', 'select 1 / $1::int as n', [0])).rejects.toMatchObject({ code: '22012' });
    expect(await database.queryPrepared('divide', 'select 1 / $1::int as n', [1])).toEqual([{ n: 1 }]);
    expect(await database.query('select 2 as n')).toEqual([{ n: 2 }]);
  });

  it('never runs inside another caller\'s open transaction', async () => {
    database = await createTestDatabase();
    const db = database;
    await db.query('create table prepared_probe (v text)');
    let inTransaction!: () => void;
    const started = new Promise<void>((r) => (inTransaction = r));
    let finish!: () => void;
    const rolledBack = db.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into prepared_probe values ('transaction')`);
        inTransaction();
        await new Promise<void>((r) => (finish = r));
        tx.rollback();
      })
      .catch(() => {});
    await started;
    const outside = db.queryPrepared('probe_insert', 'insert into prepared_probe values ($1) returning v', ['outside']);
    finish();
    await rolledBack;
    expect(await outside).toEqual([{ v: 'outside' }]);
    expect(await db.query('select v from prepared_probe')).toEqual([{ v: 'outside' }]);
  });

  // pg_prepared_statements lists only the asking session's statements: one connection makes that the same session.
  it.skipIf(TEST_DB_KIND !== 'postgres')('keeps a named statement on the PostgreSQL connection, and none when turned off', async () => {
    const prepared = async (on: boolean) => {
      database = await createTestDatabase({ poolSize: 1, preparedStatements: on });
      await database.queryPrepared('plus_one', SQL, [1]);
      const names = (await database.query<{ name: string }>('select name from pg_prepared_statements')).map((r) => r.name);
      await database.close();
      database = undefined;
      return names;
    };
    expect(await prepared(true)).toEqual(['plus_one']);
    expect(await prepared(false)).toEqual([]);
  });
});
