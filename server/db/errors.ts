interface SqlError {
  code?: string;
  constraint?: string;
}

/** Where a database error's fields can be: on `err` itself (node-postgres, PGlite) or on its `cause` (Drizzle's wrapper). */
function sqlErrors(err: unknown): SqlError[] {
  const e = err as (SqlError & { cause?: SqlError }) | undefined;
  return [e, e?.cause].filter((x): x is SqlError => !!x);
}

const hasSqlState = (err: unknown, code: string) => sqlErrors(err).some((e) => e.code === code);

/** The constraint a refused write violated, as the database names it. */
export const violatedConstraint = (err: unknown): string | undefined => sqlErrors(err).find((e) => e.constraint)?.constraint;

/** A unique constraint refused the write (PostgreSQL 23505), from either driver. */
export const isUniqueViolation = (err: unknown) => hasSqlState(err, '23505');

/** A foreign key refused the write (PostgreSQL 23503: the row it points to is gone), from either driver. */
export const isForeignKeyViolation = (err: unknown) => hasSqlState(err, '23503');

/** SQLSTATEs of a lost or refused connection: class 08, admin/crash shutdown, "starting up", too many clients. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** Socket errors of the connection itself (ECONNREFUSED while PostgreSQL is down, ECONNRESET when it goes). */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** node-postgres reports a connection ending under a query, or a client whose connection failed, without a code. */
const UNAVAILABLE_MESSAGE = /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)$/;

/**
 * Whether `err`, or an error it wraps (Drizzle wraps driver errors as `cause`), says the database cannot be
 * reached right now (PostgreSQL restarting, a lost connection), as opposed to a failed statement: the API then
 * answers 503 and a sync is retried instead of failing for good.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    // A failed connect attempt to several addresses (localhost: ::1 and 127.0.0.1) is an AggregateError.
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs `fn`, again after short pauses while the database is unavailable. After a restart the first queries on
 * pooled connections fail (those connections are gone); the pool replaces them, so a retry usually succeeds.
 * Any other error, or the last one, is thrown.
 */
export async function whileDatabaseUnavailable<T>(fn: () => Promise<T>, delaysMs: number[] = [100, 500, 1_500]): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= delaysMs.length || !isDatabaseUnavailable(err)) throw err;
      await new Promise((r) => setTimeout(r, delaysMs[i]));
    }
  }
}

/**
 * A message for an error that may be stored or shown: Drizzle's wrapper message carries the whole statement
 * and its parameters (contact data, say), so when it wraps a driver error, the driver's message is used.
 */
export function errorSummary(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown } } | undefined;
  if (typeof e?.message === 'string' && e.message.startsWith('Failed query') && typeof e.cause?.message === 'string') return e.cause.message;
  return typeof e?.message === 'string' ? e.message : String(err);
}
