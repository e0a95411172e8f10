import { protocol, type messages, type PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND } from '../../test-support/database';
import type { Database } from './connect';
import { bindDescribeExecuteSync, concat } from './pglite-bind';
import { execProtocolFast, readBackendMessages } from './pglite-results';

const { serialize } = protocol;

/** PGlite's answers read without its per-field copies: the same messages its own reader gives, errors included. */
let database: Database | undefined;
let pg: PGlite;
beforeAll(async () => {
  if (TEST_DB_KIND !== 'pglite') return;
  database = await createTestDatabase();
  pg = database.pglite!;
});
afterAll(() => database?.close());

/** Parse + Bind + Describe + Execute + Sync of an unnamed statement: what a kept statement's call answers, plus ParseComplete. */
const run = (text: string, values: Array<string | null> = []) =>
  concat([serialize.parse({ text }), bindDescribeExecuteSync('', values)]);

/** What PGlite's own reader makes of the same answer (the raw bytes, then its Parser over them). */
async function reference(message: Uint8Array) {
  const chunks: Buffer[] = [];
  await pg.execProtocolRawStream(message, { syncToFs: false, onRawData: (b) => chunks.push(Buffer.from(b)) });
  const raw = Buffer.concat(chunks);
  const found: messages.BackendMessage[] = [];
  new protocol.Parser().parse(raw, (m) => found.push(m));
  return { raw, messages: found, chunks: chunks.length };
}

describe.skipIf(TEST_DB_KIND !== 'pglite')('readBackendMessages', () => {
  it.each<[string, string, Array<string | null>]>([
    ['rows with NULLs, empty text and numbers', `select g as n, case when g % 2 = 0 then null else '' end as maybe, g::text || 'x' as t from generate_series(1, 5) g`, []],
    ['two-, three- and four-byte UTF-8', `select $1::text as a, 'é ü€ 漢字 😀 👍🏽' as b, repeat('Zoë', 3) as c`, ['Zoë — 東京 🚀']],
    ['no rows', `select 1 as one where false`, []],
    ['a write with no result columns', `create temp table if not exists readback (v int)`, []],
    ['JSON text as the list sends it', `select row_to_json(x)::text as j from (select 1 as id, 'a"b\\c' as name, '{"k": [1, null]}'::jsonb as config) x`, []],
    ['a notice raised by the statement', `do $$ begin raise notice 'hello %', 'there'; end $$`, []],
  ])('gives the messages PGlite\'s reader gives: %s', async (_label, text, values) => {
    const { raw, messages } = await reference(run(text, values));
    expect(readBackendMessages(raw)).toEqual(messages);
  });

  it('reads an answer larger than one of PGlite\'s output chunks, handed over in pieces', async () => {
    const text = `select g as id, repeat(md5(g::text), 20) as pad from generate_series(1, 3000) g`;
    const { raw, messages, chunks } = await reference(run(text));
    expect(chunks).toBeGreaterThan(1); // so the pieces really are joined
    const fast = await execProtocolFast(pg, run(text));
    expect(fast).toEqual(messages);
    expect(readBackendMessages(raw)).toEqual(messages);
    expect(fast.filter((m) => m.name === 'dataRow')).toHaveLength(3000);
  });

  it('throws the statement\'s error as PGlite does, with its SQLSTATE and detail, and the session goes on', async () => {
    await pg.query('create temp table if not exists uniq (v int primary key)');
    await pg.query('insert into uniq values (1) on conflict do nothing');
    const statement = run('insert into uniq values ($1::int)', ['1']);
    const theirs = await pg.execProtocolStream(statement, { syncToFs: false }).catch((e: unknown) => e);
    const mine = await execProtocolFast(pg, statement).catch((e: unknown) => e);
    expect(mine).toBeInstanceOf(protocol.messages.DatabaseError);
    expect(mine).toMatchObject({ code: '23505', constraint: 'uniq_pkey' });
    expect({ ...(mine as object) }).toEqual({ ...(theirs as object) });
    expect(((await execProtocolFast(pg, run('select 2 as two'))).find((m) => m.name === 'dataRow') as unknown as { fields: string[] }).fields).toEqual(['2']);
  });

  it('says so when an answer ends inside a message, instead of returning part of it', async () => {
    const { raw } = await reference(run(`select 'abcdef' as a`));
    expect(() => readBackendMessages(raw.subarray(0, raw.length - 12))).toThrow(/ends inside a message \(/);
    expect(() => readBackendMessages(Buffer.concat([raw, Buffer.from([0x5a, 0, 0])]))).toThrow(/ends inside a message header/);
  });
});
