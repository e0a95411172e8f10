import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';
import { bindDescribeExecuteSync, concat } from './pglite-bind';
import { execProtocolFast } from './pglite-results';

/**
 * SQLSTATEs after which a kept statement is dropped and parsed again on the next call: the session no longer has it
 * (26000), or a schema change altered what it returns (0A000, "cached plan must not change result type").
 */
const STALE_STATEMENT = new Set(['26000', '0A000']);
const isStale = (err: unknown) => STALE_STATEMENT.has((err as { code?: string }).code ?? '');

interface Statement {
  name: string;
  /** Parameter type OIDs from Describe, to serialize values the way PGlite's own query() does. */
  types: number[];
}

/**
 * Named prepared statements on PGlite, kept per SQL text. PGlite's `query()` parses, describes and plans the
 * statement again on every call, in six protocol round trips into the WASM PostgreSQL, which runs on the event loop's
 * own thread: a single-row select cost twice what binding a kept statement costs, and a 100-row upsert was planned
 * anew for every page of a sync. Here a text is parsed and described once, then each call is one
 * Bind + Describe + Execute + Sync. Calls take the same locks `query()` takes (outside a transaction both, so one
 * never lands inside another caller's open transaction; inside one, the query lock), and sync to the file system
 * after, as `query()` does outside a transaction. The least recently used statement is closed beyond
 * `maxStatements` (texts that differ by their number of parameters, say). Answers are read by execProtocolFast
 * (pglite-results.ts), which decodes data rows without PGlite's per-field copies.
 */
export class PglitePreparedStatements {
  private statements = new Map<string, Statement>();
  /** Names of statements forgotten while stale, closed in the session along with the next Parse. */
  private toClose: string[] = [];
  private next = 0;

  constructor(
    private pg: PGlite,
    private maxStatements = 200,
  ) {}

  /** The same answer as `pg.query(text, params, options)` (drizzle's driver calls this). */
  query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    const { pg } = this;
    return pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(async () => {
        try {
          return await this.execute<T>(text, params, options);
        } catch (err) {
          if (!isStale(err)) throw err;
          // Raised before the statement ran: parse it again and run it once more.
          this.forget(text);
          return await this.execute<T>(text, params, options);
        } finally {
          await pg.syncToFs();
        }
      }),
    );
  }

  /**
   * The same, inside a transaction PGlite's `transaction()` opened (whose lock is held already). A stale statement
   * is dropped but not run again: the failed Bind aborted the transaction.
   */
  queryInTransaction<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.pg._runExclusiveQuery(async () => {
      try {
        return await this.execute<T>(text, params, options);
      } catch (err) {
        if (isStale(err)) this.forget(text);
        throw err;
      }
    });
  }

  /** What drizzle's PGlite driver uses of a PGlite instance, with every statement going through this cache. */
  drizzleClient(): Pick<PGlite, 'query' | 'transaction'> {
    return {
      query: (text, params, options) => this.query(text, params, options),
      transaction: (fn) =>
        this.pg.transaction(async (tx) => {
          // As PGlite's own transaction object does: once the transaction is over, its query() refuses (it would
          // otherwise run outside any transaction, without the lock that keeps other callers' statements out).
          let open = true;
          const query: typeof tx.query = (text, params, options) =>
            open ? this.queryInTransaction(text, params, options) : Promise.reject(new Error('Transaction is closed'));
          try {
            return await fn({ ...tx, query });
          } finally {
            open = false;
          }
        }),
    };
  }

  private async execute<T>(text: string, params: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const { pg } = this;
    const statement = this.statements.get(text) ?? (await this.prepare(text));
    // Most recently used last, so the first one is the one to close when there are too many.
    this.statements.delete(text);
    this.statements.set(text, statement);
    const values = params.map((v, i): string | null => {
      if (v === null || v === undefined) return null;
      const serialize = options?.serializers?.[statement.types[i]] ?? pg.serializers[statement.types[i]];
      return serialize ? serialize(v) : String(v);
    });
    const messages = await execProtocolFast(pg, bindDescribeExecuteSync(statement.name, values));
    return parse.parseResults(messages, pg.parsers, options)[0] as Results<T>;
  }

  /** Parses and describes `text` under a new name (closing the least recently used statement when full). */
  private async prepare(text: string): Promise<Statement> {
    const { serialize } = protocol;
    if (this.statements.size >= this.maxStatements) this.forget(this.statements.keys().next().value!);
    const parts = this.toClose.splice(0).map((closing) => serialize.close({ type: 'S', name: closing }));
    const name = `pglite_${++this.next}`;
    parts.push(serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync());
    const messages = await this.pg.execProtocolStream(concat(parts), { syncToFs: false });
    const description = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
    return { name, types: description?.dataTypeIDs ?? [] };
  }

  private forget(text: string) {
    const statement = this.statements.get(text);
    if (!statement) return;
    this.statements.delete(text);
    this.toClose.push(statement.name);
  }

  /** How many statements are kept (for tests). */
  get size(): number {
    return this.statements.size;
  }
}
