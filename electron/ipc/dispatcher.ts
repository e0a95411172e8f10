import { contract, type Handlers, type MethodName } from '../../shared/ipc/contract';
import { LoctelliError, type IpcError, type IpcResult } from '../../shared/ipc/errors';
import { argErrors, createContractValidators, type ContractValidators } from '../../shared/ipc/validate';

/** Largest accepted call payload (serialised), so a renderer cannot make the main process chew on megabytes. */
export const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

export interface CallerCheck {
  /** Electron: the sender frame is the app's own top-level page. Bridge: the request carried the token. */
  trusted: boolean;
  /** For the log: who was refused. */
  description?: string;
}

export interface DispatcherOptions {
  /** Validates results against the contract too (tests, dev): a mismatch becomes an `internal` error. */
  validateResults?: boolean;
  onRefused?(method: string, error: IpcError, caller: CallerCheck): void;
  onInternalError?(method: string, err: unknown): void;
}

export type Dispatch = (method: string, args: unknown, caller: CallerCheck) => Promise<IpcResult>;

const fail = (code: IpcError['code'], message: string, extra: Partial<IpcError> = {}): IpcResult => ({ ok: false, error: { code, message, ...extra } });

/**
 * The one wrapper every IPC handler (and every bridge call) goes through: checks the caller, validates the
 * arguments against the contract's schema before anything runs, calls the handler, and turns every failure
 * into a typed `IpcError`. Nothing else reaches the renderer: stack traces and internal messages stay here.
 */
export function createDispatcher(handlers: Handlers, opts: DispatcherOptions = {}, validators: ContractValidators = createContractValidators()): Dispatch {
  const dispatch: Dispatch = async (method, rawArgs, caller) => {
    if (!caller.trusted) {
      const r = fail('forbidden_sender', 'This call did not come from the console');
      opts.onRefused?.(method, (r as { error: IpcError }).error, caller);
      return r;
    }
    if (typeof method !== 'string' || !Object.hasOwn(contract, method)) {
      return fail('invalid_payload', `Unknown operation "${String(method).slice(0, 100)}"`);
    }
    const m = method as MethodName;
    if (!Array.isArray(rawArgs)) return fail('invalid_payload', 'The arguments must be a list', { inputErrors: { '(arguments)': 'must be array' } });
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(rawArgs) ?? '');
    } catch {
      return fail('invalid_payload', 'The arguments cannot be serialised', { inputErrors: { '(arguments)': 'must be plain JSON data' } });
    }
    if (size > MAX_PAYLOAD_BYTES) return fail('invalid_payload', `The arguments are too large (${size} bytes)`, { inputErrors: { '(arguments)': 'is too large' } });
    // Trailing undefined arguments are omitted ones (`list()` and `list(undefined)` are the same call).
    const args = [...rawArgs];
    while (args.length && args[args.length - 1] === undefined) args.pop();
    if (!isPlainJson(args)) return fail('invalid_payload', 'The arguments must be plain JSON data', { inputErrors: { '(arguments)': 'must be plain JSON data' } });
    const validate = validators.args(m);
    if (!validate(args)) {
      const inputErrors = argErrors(validate.errors);
      const first = Object.entries(inputErrors)[0];
      return fail('invalid_payload', `Invalid arguments for ${m}: ${first ? `${first[0]} ${first[1]}` : 'rejected'}`.slice(0, 500), { inputErrors });
    }
    let value: unknown;
    try {
      value = await (handlers[m] as (...a: unknown[]) => Promise<unknown>)(...args);
    } catch (err) {
      if (err instanceof LoctelliError) return { ok: false, error: err.toJSON() };
      opts.onInternalError?.(m, err);
      return fail('internal', 'Something went wrong in the console; the details are in its log');
    }
    if (opts.validateResults) {
      const check = validators.result(m);
      if (!check(value)) {
        opts.onInternalError?.(m, new Error(`result of ${m} does not match the contract: ${JSON.stringify(check.errors?.slice(0, 3))}`));
        return fail('internal', `The result of ${m} does not match the contract`);
      }
    }
    return { ok: true, value };
  };
  return async (method, rawArgs, caller) => {
    try {
      return await dispatch(method, rawArgs, caller);
    } catch (err) {
      opts.onInternalError?.(String(method), err);
      return fail('internal', 'Something went wrong in the console; the details are in its log');
    }
  };
}

/** Only what JSON can carry: no Dates, Maps, typed arrays, functions or class instances sneak through IPC. */
function isPlainJson(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => x !== undefined && isPlainJson(x, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v as object).every((x) => x === undefined || isPlainJson(x, depth + 1));
  }
  return false;
}
