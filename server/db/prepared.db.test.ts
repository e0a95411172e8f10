import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND } from '../../test-support/database';
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
