/**
 * A failure talking to a provider, classified so the sync engine knows what to do with it:
 * retry (with the provider's hint), mark the integration disconnected, or report a config problem.
 */
export type ErrorOrigin = 'provider' | 'config' | 'network' | 'internal';

export interface ProviderErrorInit {
  origin: ErrorOrigin;
  /** Short machine-readable kind: auth_rejected, no_access, rate_limited, timeout, bad_response, not_found, upstream_error… */
  type: string;
  /** Written for a person, e.g. "GoHighLevel rejected the API key (401 Invalid JWT)". */
  message: string;
  retryable: boolean;
  /** The provider's own hint of when to try again. */
  retryAfterMs?: number;
  /** Credentials were rejected: the integration becomes `disconnected` and is not retried. */
  disconnected?: boolean;
  httpStatus?: number;
}

export class ProviderError extends Error {
  readonly origin: ErrorOrigin;
  readonly type: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly disconnected: boolean;
  readonly httpStatus?: number;

  constructor(init: ProviderErrorInit) {
    super(init.message);
    this.name = 'ProviderError';
    this.origin = init.origin;
    this.type = init.type;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.disconnected = init.disconnected ?? false;
    this.httpStatus = init.httpStatus;
  }

  toJSON() {
    return { origin: this.origin, type: this.type, message: this.message, retryable: this.retryable, retryAfterMs: this.retryAfterMs };
  }
}
