import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import type { PreparedParam } from './connect';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SQLSTATE of a Bind to a statement the session no longer has. */
const NO_SUCH_STATEMENT = '26000';

/**
 * Named prepared statements on PGlite. Its `query()` parses, describes and plans the statement again on every call,
 * six protocol round trips into the WASM PostgreSQL, which runs on the event loop's own thread: for the webhook intake
 * that was a third of each batch's time. Here the statement is parsed once per instance, then each call is one
 * Bind + Describe + Execute + Sync. It takes the same two locks `query()` takes, so it never lands inside another
 * caller's open transaction, and syncs to the file system after, as `query()` does outside a transaction.
 */
export function pglitePrepared(pg: PGlite) {
  const prepared = new Set<string>();
  const { serialize } = protocol;
  return async <T>(name: string, text: string, params: PreparedParam[] = []): Promise<T[]> =>
    pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(async () => {
        if (!prepared.has(name)) {
          await pg.execProtocol(concat([serialize.parse({ name, text }), serialize.sync()]));
          prepared.add(name);
        }
        const values = params.map((v) => (v === null ? null : String(v)));
        try {
          const { messages } = await pg.execProtocol(
            concat([serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
          );
          return parse.parseResults(messages, pg.parsers)[0].rows as T[];
        } catch (err) {
          if ((err as { code?: string }).code === NO_SUCH_STATEMENT) prepared.delete(name);
          throw err;
        } finally {
          await pg.syncToFs();
        }
      }),
    );
}
