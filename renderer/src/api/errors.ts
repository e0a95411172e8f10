import { isIpcError, type IpcError } from '../../../shared/ipc/errors';

/** Every rejection of `window.loctelli` should be an IpcError; anything else (a bug) is wrapped as `internal`. */
export function toIpcError(err: unknown): IpcError {
  if (isIpcError(err)) return err;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'Something went wrong';
  return { code: 'internal', message };
}

export const isNetworkError = (e: IpcError) => e.code === 'offline' || e.code === 'timeout' || e.code === 'embedded_server';

/** One line for a person: the message plus, for field errors, which fields. */
export function describeError(err: unknown): string {
  const e = toIpcError(err);
  const fields = Object.keys({ ...e.fieldErrors, ...e.inputErrors });
  if (e.code === 'rate_limited' && e.retryAfterSeconds) return `${e.message} (try again in ${Math.ceil(e.retryAfterSeconds)} s)`;
  return fields.length && e.code === 'validation' ? `${e.message} (${fields.join(', ')})` : e.message;
}

export type { IpcError };
