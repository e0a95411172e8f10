import { randomBytes } from 'node:crypto';
import axios, { AxiosError, type AxiosInstance, type Method } from 'axios';
import type { AdminIdentity, TokenPair } from '../../shared/api/auth';
import { LoctelliError } from '../../shared/ipc/errors';
import { fromServerError, isMissingRoute } from './api-errors';

export interface StoredCredentials {
  loadRefreshToken(): string | undefined;
  saveRefreshToken(token: string | undefined): void;
  /** The Local workspace signs in by itself with its vault password; remote profiles have none. */
  autoSignIn?(): { email: string; password: string } | undefined;
}

export interface ApiClientOptions {
  /** The server's base URL (without /api); the Local workspace waits for its embedded server. */
  baseUrl: () => Promise<string>;
  credentials: StoredCredentials;
  /** Default per-request timeout. */
  timeoutMs?: number;
  /** A request reached the server (true) or could not (false, with the reason). */
  onConnectivity?(online: boolean, reason: string | null): void;
  /** The server rejected the stored refresh token: the profile is signed out. */
  onSignedOut?(reason: string): void;
  /** A sign-in (or refresh) told us who the admin is. */
  onIdentity?(admin: AdminIdentity): void;
  /** Skip environment proxies (the embedded server is on loopback). */
  noProxy?: boolean;
}

export interface RequestOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  timeoutMs?: number;
  /** A 404 for a route this server does not have becomes `not_available` (features of newer servers). */
  feature?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'EADDRNOTAVAIL']);
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * The integrations API as the console's main process uses it: attaches the access token; a 401 triggers
 * one shared refresh (however many requests failed at once) and one retry; a rejected refresh signs the
 * profile out; network failures are reported as connectivity changes and typed `offline`/`timeout` errors.
 */
export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<void> | null = null;
  /**
   * The refresh in progress and its retry key, kept (in memory only) until an answer arrives: if the answer is lost,
   * the next refresh sends the same token with the same key, which the server accepts instead of seeing a replay.
   */
  private refreshAttempt: { token: string; retryKey: string } | null = null;
  /** This server predates retry keys (it refused the field): refresh without one. */
  private noRetryKeys = false;
  private readonly http: AxiosInstance;
  /** Counters for tests and diagnostics. */
  readonly stats = { refreshes: 0, logins: 0, requests: 0 };

  /** The server's base URL (webhook addresses are built from it). */
  baseUrl(): Promise<string> {
    return this.opts.baseUrl();
  }

  constructor(private readonly opts: ApiClientOptions) {
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 15_000,
      // Tokens must never follow a redirect to another host.
      maxRedirects: 0,
      maxContentLength: 64 * 1024 * 1024,
      validateStatus: () => true,
      headers: { accept: 'application/json' },
      ...(opts.noProxy ? { proxy: false as const } : {}),
    });
  }

  get hasAccessToken(): boolean {
    return this.accessToken !== null;
  }

  /** Replaces the access token (tests use it to simulate an expired one). */
  setAccessTokenForTesting(token: string | null) {
    this.accessToken = token;
  }

  async signIn(email: string, password: string): Promise<TokenPair> {
    const res = await this.send('POST', '/api/auth/login', { body: { email, password } }, null);
    if (res.status !== 200) {
      const err = fromServerError(res.status, res.data, res.headers);
      if (res.status === 401) throw new LoctelliError('invalid_credentials', err.message, { status: 401 });
      throw err;
    }
    this.stats.logins++;
    this.accept(res.data as TokenPair);
    return res.data as TokenPair;
  }

  /** Revokes the session on the server (best effort: offline, the token is simply forgotten). */
  async signOut(): Promise<void> {
    const refresh = this.opts.credentials.loadRefreshToken();
    this.accessToken = null;
    this.opts.credentials.saveRefreshToken(undefined);
    if (!refresh) return;
    await this.send('POST', '/api/auth/logout', { body: { refresh_token: refresh }, timeoutMs: 5_000 }, null).catch(() => {});
  }

  /** Forgets the in-memory access token (profile removed, local sign-out). */
  forget() {
    this.accessToken = null;
  }

  /** Makes sure there is an access token (refreshing or signing in by itself when it can). */
  async ensureSession(): Promise<void> {
    if (!this.accessToken) await this.renew(null);
  }

  async request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
    if (!this.accessToken) await this.renew(null);
    let token = this.accessToken;
    let res = await this.send(method, path, opts, token);
    if (res.status === 401) {
      await this.renew(token);
      token = this.accessToken;
      res = await this.send(method, path, opts, token);
      if (res.status === 401) {
        // A fresh token was refused too: the account is gone or deactivated.
        const reason = (res.data as { message?: string })?.message ?? 'The server refused the session';
        this.endSession(reason);
        throw new LoctelliError('signed_out', reason, { status: 401 });
      }
    }
    if (res.status >= 200 && res.status < 300) return (res.status === 204 ? undefined : res.data) as T;
    if (opts.feature && isMissingRoute(res.status, res.data)) {
      throw new LoctelliError('not_available', `This server does not offer ${opts.feature} yet (it has no ${method.toUpperCase()} ${path.split('?')[0]})`, { status: 404 });
    }
    throw fromServerError(res.status, res.data, res.headers);
  }

  /** A public endpoint, no token (health checks). */
  async probe(timeoutMs = 3_000): Promise<boolean> {
    try {
      const res = await this.send('GET', '/api/health', { timeoutMs }, null);
      return res.status > 0;
    } catch {
      return false;
    }
  }

  /** One renewal at a time: concurrent 401s all wait for the same refresh. */
  private renew(failedToken: string | null): Promise<void> {
    // Another request already replaced the token that failed: just retry with the new one.
    if (failedToken !== null && this.accessToken !== null && this.accessToken !== failedToken) return Promise.resolve();
    if (!this.refreshing) {
      this.accessToken = null;
      this.refreshing = this.doRenew().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRenew(): Promise<void> {
    const refresh = this.opts.credentials.loadRefreshToken();
    if (refresh) {
      const res = await this.sendRefresh(refresh);
      if (res.status === 200) {
        this.stats.refreshes++;
        this.accept(res.data as TokenPair);
        return;
      }
      if (res.status !== 401 && res.status !== 400) throw fromServerError(res.status, res.data, res.headers);
      this.opts.credentials.saveRefreshToken(undefined);
      const reason = (res.data as { message?: string })?.message ?? 'The session ended';
      if (!this.opts.credentials.autoSignIn) {
        this.endSession(reason);
        throw new LoctelliError('signed_out', `${reason}`, { status: 401 });
      }
    }
    const auto = this.opts.credentials.autoSignIn?.();
    if (auto) {
      await this.signIn(auto.email, auto.password);
      return;
    }
    throw new LoctelliError('signed_out', 'Sign in to this server first');
  }

  private async sendRefresh(refresh: string) {
    if (this.refreshAttempt?.token !== refresh) this.refreshAttempt = { token: refresh, retryKey: randomBytes(24).toString('base64url') };
    const body = this.noRetryKeys ? { refresh_token: refresh } : { refresh_token: refresh, retry_key: this.refreshAttempt.retryKey };
    // A network failure throws here and keeps the attempt, so the next refresh is a retry of this one.
    let res = await this.send('POST', '/api/auth/refresh', { body }, null);
    if (!this.noRetryKeys && res.status === 400 && refusesField(res.data, '/body/retry_key')) {
      // Validation refused the request before the token was looked at: it is still unused.
      this.noRetryKeys = true;
      res = await this.send('POST', '/api/auth/refresh', { body: { refresh_token: refresh } }, null);
    }
    this.refreshAttempt = null;
    return res;
  }

  private endSession(reason: string) {
    this.accessToken = null;
    this.opts.credentials.saveRefreshToken(undefined);
    this.opts.onSignedOut?.(reason);
  }

  private accept(pair: TokenPair) {
    this.accessToken = pair.access_token;
    this.opts.credentials.saveRefreshToken(pair.refresh_token);
    this.opts.onIdentity?.(pair.admin);
  }

  private async send(method: Method, path: string, opts: RequestOptions, token: string | null) {
    const base = await this.opts.baseUrl();
    this.stats.requests++;
    try {
      const res = await this.http.request({
        method,
        url: `${base}${path}`,
        params: opts.query ? pruneUndefined(opts.query) : undefined,
        // A POST without a body still sends `{}` as JSON: the API accepts only JSON bodies.
        data: opts.body ?? (/^(post|put|patch)$/i.test(method) ? {} : undefined),
        timeout: opts.timeoutMs,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      // A gateway in front of a server that is gone, or the server itself while its database is away, answers
      // 502/503/504: as unreachable as no answer at all, so the console falls back to its cache the same way.
      if (UNAVAILABLE_STATUSES.has(res.status)) {
        const said = (res.data as { message?: unknown } | undefined)?.message;
        const reason = `${safeHost(base)} is temporarily unavailable (${typeof said === 'string' && said ? said : `HTTP ${res.status}`})`;
        this.opts.onConnectivity?.(false, reason);
        throw new LoctelliError('offline', reason, { status: res.status });
      }
      this.opts.onConnectivity?.(true, null);
      return res;
    } catch (err) {
      if (err instanceof LoctelliError) throw err;
      throw this.networkError(err, base);
    }
  }

  private networkError(err: unknown, base: string): LoctelliError {
    const e = err as AxiosError;
    const code = e?.code ?? '';
    const host = safeHost(base);
    if (TIMEOUT_CODES.has(code) || /timeout/i.test(e?.message ?? '')) {
      const reason = `${host} did not answer in time`;
      this.opts.onConnectivity?.(false, reason);
      return new LoctelliError('timeout', `${reason}; try again.`);
    }
    if (NETWORK_CODES.has(code) || e?.isAxiosError) {
      const reason = `${host} cannot be reached (${code || e?.message || 'network error'})`;
      this.opts.onConnectivity?.(false, reason);
      return new LoctelliError('offline', reason);
    }
    return new LoctelliError('internal', (err as Error)?.message ?? String(err));
  }
}

function refusesField(data: unknown, path: string): boolean {
  const details = (data as { details?: Array<{ path?: unknown }> } | undefined)?.details;
  return Array.isArray(details) && details.some((d) => d?.path === path);
}

function pruneUndefined(q: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
}

function safeHost(base: string) {
  try {
    return new URL(base).host;
  } catch {
    return 'the server';
  }
}
