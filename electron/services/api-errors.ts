import { LoctelliError, type IpcErrorCode } from '../../shared/ipc/errors';

interface ServerErrorBody {
  statusCode?: number;
  error?: string;
  message?: string;
  details?: Array<{ path?: unknown; message?: unknown }>;
  current?: unknown;
}

const unescapePointer = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * Splits the API's `details` into config field errors (`/body/config/apiKey` → `apiKey`) and errors of the
 * request's other inputs (`/body/name` → `name`, `/querystring/limit` → `limit`, `/params/id` → `id`).
 */
export function mapDetails(details: ServerErrorBody['details']): { fieldErrors: Record<string, string>; inputErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const inputErrors: Record<string, string> = {};
  const add = (into: Record<string, string>, key: string, message: string) => {
    into[key] = into[key] ? `${into[key]}; ${message}` : message;
  };
  for (const d of details ?? []) {
    if (!d || typeof d.path !== 'string') continue;
    const message = typeof d.message === 'string' ? d.message : 'is invalid';
    const segments = d.path.split('/').slice(1).map(unescapePointer);
    const [part, ...rest] = segments;
    if (part === 'body' && rest[0] === 'config') {
      add(fieldErrors, rest.slice(1).join('/') || '(config)', message);
    } else if (part === 'body' || part === 'querystring' || part === 'params') {
      add(inputErrors, rest.join('/') || `(${part})`, message);
    } else {
      add(inputErrors, segments.join('/') || '(request)', message);
    }
  }
  return { fieldErrors, inputErrors };
}

const CODE_BY_STATUS: Record<number, IpcErrorCode> = {
  400: 'validation',
  401: 'signed_out',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'validation',
  422: 'unprocessable',
  429: 'rate_limited',
};

/** True when a 404 means "this server has no such route" (an older server), not "no such record". */
export function isMissingRoute(status: number, body: unknown): boolean {
  const message = (body as ServerErrorBody | undefined)?.message;
  return status === 404 && typeof message === 'string' && /^Route \S+ \S+ not found$/.test(message);
}

/** An API error answer → the typed error the renderer gets. */
export function fromServerError(status: number, body: unknown, headers: Record<string, unknown> = {}): LoctelliError {
  const b = (body && typeof body === 'object' ? body : {}) as ServerErrorBody;
  const message = typeof b.message === 'string' && b.message ? b.message : `The server answered ${status}`;
  const code: IpcErrorCode = CODE_BY_STATUS[status] ?? 'server_error';
  const { fieldErrors, inputErrors } = mapDetails(b.details);
  const retryAfter = Number(headers['retry-after']);
  return new LoctelliError(code, status >= 500 ? `The server failed: ${message}` : message, {
    status,
    fieldErrors,
    inputErrors,
    ...(code === 'conflict' && b.current !== undefined ? { current: b.current } : {}),
    ...(code === 'rate_limited' && Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
  });
}
