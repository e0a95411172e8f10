import { Type, type Static } from 'typebox';

/**
 * Every failure the console's main process reports to the renderer. The renderer switches on `code`;
 * `message` is written for a person.
 */
export const IPC_ERROR_CODES = [
  /** The call's arguments do not match the contract (see `inputErrors`). Nothing was done. */
  'invalid_payload',
  /** The call came from a frame that is not the console's own page (or a bridge call without the token). */
  'forbidden_sender',
  /** The API rejected the request's data; `fieldErrors` (config fields) and `inputErrors` (other fields) say where. */
  'validation',
  /** Not signed in to the active profile (or the session ended): sign in again. */
  'signed_out',
  /** The server refused the credentials given to signIn. */
  'invalid_credentials',
  'forbidden',
  'not_found',
  /** Someone else changed the integration since the edit started: `current` holds it as it is now. */
  'conflict',
  'payload_too_large',
  /** The server understood the request but cannot do it (e.g. no handler for a custom template). */
  'unprocessable',
  /** Too many requests: `retryAfterSeconds` says when to try again. */
  'rate_limited',
  /** The server cannot be reached and nothing is cached for this request. */
  'offline',
  /** The server did not answer in time. */
  'timeout',
  'server_error',
  /** The server this profile points at does not have this feature (it answered 404 for the route). */
  'not_available',
  /** The credential vault cannot store or read a secret. */
  'credential_storage',
  /** The local (embedded) server did not start. */
  'embedded_server',
  /** The operation is not possible in the current state (e.g. removing the Local workspace). */
  'not_allowed',
  'internal',
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export const IpcErrorCodeSchema = Type.Unsafe<IpcErrorCode>({ type: 'string', enum: [...IPC_ERROR_CODES] });

export const IpcError = Type.Object({
  code: IpcErrorCodeSchema,
  message: Type.String(),
  /**
   * Field-level errors of an integration config, keyed by the field's path inside the config (JSON Pointer
   * without the leading slash: `apiKey`, `nested/field`). Mapped from the server's `details`
   * (`/body/config/apiKey` → `apiKey`) or from offline validation of a draft.
   */
  fieldErrors: Type.Optional(Type.Record(Type.String(), Type.String())),
  /**
   * Errors of the other inputs of the call: server `details` outside the config (`/body/name` → `name`,
   * `/querystring/limit` → `limit`), or contract violations keyed by argument index and path (`0/name`).
   */
  inputErrors: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** HTTP status of the server answer behind this error, when there was one. */
  status: Type.Optional(Type.Integer()),
  /** With `conflict`: the server's current version of the resource (an Integration, secrets as placeholders). */
  current: Type.Optional(Type.Unknown()),
  /** With `rate_limited`. */
  retryAfterSeconds: Type.Optional(Type.Number()),
});
export type IpcError = Static<typeof IpcError>;

/** Thrown inside the main process; crosses IPC as a plain `IpcError` object. */
export class LoctelliError extends Error {
  readonly code: IpcErrorCode;
  readonly fieldErrors?: Record<string, string>;
  readonly inputErrors?: Record<string, string>;
  readonly status?: number;
  readonly current?: unknown;
  readonly retryAfterSeconds?: number;

  constructor(code: IpcErrorCode, message: string, extra: Omit<IpcError, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'LoctelliError';
    this.code = code;
    if (extra.fieldErrors && Object.keys(extra.fieldErrors).length) this.fieldErrors = extra.fieldErrors;
    if (extra.inputErrors && Object.keys(extra.inputErrors).length) this.inputErrors = extra.inputErrors;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.current !== undefined) this.current = extra.current;
    if (extra.retryAfterSeconds !== undefined) this.retryAfterSeconds = extra.retryAfterSeconds;
  }

  toJSON(): IpcError {
    return {
      code: this.code,
      message: this.message,
      ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}),
      ...(this.inputErrors ? { inputErrors: this.inputErrors } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.current !== undefined ? { current: this.current } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    };
  }
}

/** True for the plain error objects `window.loctelli` methods reject with. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (IPC_ERROR_CODES as readonly string[]).includes((value as { code: string }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** What travels back over IPC (and the browser bridge) for every call; `window.loctelli` unwraps it. */
export type IpcResult<T = unknown> = { ok: true; value: T } | { ok: false; error: IpcError };
