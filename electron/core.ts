/**
 * The console's main-process services wired together, in plain Node: the Electron shell (main.ts) and the
 * browser bridge (dev-browser/) each build one with their own pieces (cipher, stores, notifications) and
 * expose the same handlers.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AdminIdentity } from '../shared/api/auth';
import type { Integration, IntegrationPage } from '../shared/api/integrations';
import type { IntegrationTemplate } from '../shared/api/templates';
import type { EventName, EventPayload } from '../shared/ipc/contract';
import { LoctelliError } from '../shared/ipc/errors';
import { FINISHED_SYNC_STATUSES, LOCAL_PROFILE_ID, type CachedOf, type Connectivity, type Session, type SyncRun } from '../shared/ipc/schemas';
import { compareIntegrations, DEFAULT_INTEGRATION_SORT, INTEGRATION_SORT_KEYS, matchesSearch, searchWords, type IntegrationSortKey } from '../shared/search/integrations';
import { ApiClient } from './services/api-client';
import type { Cipher } from './services/cipher';
import { DraftStore, type DraftBaseSnapshot, type DraftTemplate } from './services/drafts';
import { EmbeddedServer, embeddedDataDir, type StartServerFn } from './services/embedded-server';
import type { KeyValueStore } from './services/kv-store';
import { OfflineCache, type CacheEntry } from './services/offline-cache';
import { ensurePrivateDir, tightenExisting } from './services/private-dir';
import { assertUsableServerUrl, ProfileStore } from './services/profiles';
import { SettingsStore } from './services/settings';
import { CredentialVault, vaultNames } from './services/vault';
import { CredentialExpiryNotifier } from './services/credential-expiry';

export interface Confirmation {
  title: string;
  message: string;
  detail: string;
  /** The label of the button (or the word) that confirms; the default answer is always no. */
  confirmLabel: string;
}

const STORE_NAMES = ['settings', 'profiles', 'vault'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export interface ConsoleCoreOptions {
  userDataDir: string;
  cipher: Cipher;
  /** electron-store in the app, JsonFileStore in Node: `<userData>/<name>.json`, created 0600. */
  openStore(name: StoreName): KeyValueStore;
  runtime: 'electron' | 'browser-bridge';
  appVersion: string;
  platform?: string;
  /** Opens an https URL in the user's browser (Electron shell.openExternal); absent in Node. */
  openExternal?(url: string): Promise<void>;
  /**
   * Asks the person, outside the renderer's reach, to confirm a weakening of the console's protection
   * (storing credentials without a keyring): a native dialog in Electron, the terminal in dev:browser.
   * Absent, nothing that needs a confirmation is done.
   */
  confirm?(question: Confirmation): Promise<boolean>;
  /** Desktop notification (sync failures, credentials entering their last 14 days). */
  notify?(n: { title: string; body: string }): void;
  /** The Local workspace's server: server/start.ts's startServer by default. */
  startServer?: StartServerFn;
  logger?: Logger;
  /**
   * requestMs: per request; testMs: provider connection tests; staleFallbackMs: how long a read that has a
   * cached copy waits for a remote server the console has not heard from since it started (default 3 s)
   * before answering from the cache, so a restart while the server does not answer shows the last copy
   * instead of waiting for a request timeout.
   */
  timeouts?: { requestMs?: number; testMs?: number; staleFallbackMs?: number };
  /** How often a sync run is polled for progress, and an unreachable server probed. */
  syncPollMs?: number;
  probeIntervalMs?: number;
}

const NETWORK_CODES = new Set(['offline', 'timeout', 'embedded_server']);
export const isNetworkError = (err: unknown) => err instanceof LoctelliError && NETWORK_CODES.has(err.code);

const DEFAULT_STALE_FALLBACK_MS = 3_000;
/** While offline, a read answered from the cache probes the server at most this often (besides the timer). */
const PROBE_SOON_MIN_INTERVAL_MS = 1_000;
const NO_ANSWER = Symbol('no answer');

/** Everything the console keeps for one profile: its API client, offline cache, drafts and connectivity. */
export class ProfileRuntime {
  readonly client: ApiClient;
  readonly cache: OfflineCache;
  readonly drafts: DraftStore;
  connectivity: Connectivity = { online: null, since: null, reason: null };
  /** The Local workspace signs in by itself unless the user signed out. */
  localSignedOut = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing: Promise<unknown> | null = null;
  private lastProbeAt = 0;
  private disposed = false;
  /** For connectivity reasons: the server's host, or the Local workspace. */
  private readonly serverLabel: string;

  constructor(
    readonly id: string,
    readonly kind: 'local' | 'remote',
    private readonly core: ConsoleCore,
    baseUrl: string | null,
  ) {
    this.serverLabel = kind === 'local' ? "The Local workspace's server" : hostOf(baseUrl);
    const dir = core.profiles.dataDir(id);
    this.cache = new OfflineCache(join(dir, 'cache'));
    const vault = core.vault;
    this.client = new ApiClient({
      baseUrl: async () => {
        if (kind === 'remote') return assertUsableServerUrl(baseUrl!);
        try {
          return await core.embedded.start();
        } catch (err) {
          throw new LoctelliError('embedded_server', `The Local workspace's server did not start: ${(err as Error).message}`);
        }
      },
      noProxy: kind === 'local',
      timeoutMs: core.opts.timeouts?.requestMs,
      credentials: {
        loadRefreshToken: () => vault.get(vaultNames.refreshToken(id)),
        saveRefreshToken: (t) => (t ? vault.set(vaultNames.refreshToken(id), t) : vault.delete(vaultNames.refreshToken(id))),
        ...(kind === 'local' ? { autoSignIn: () => (this.localSignedOut ? undefined : core.embedded.credentials()) } : {}),
      },
      onConnectivity: (online, reason) => this.setOnline(online, reason),
      onSignedOut: (reason) => {
        core.profiles.setAdmin(id, null);
        core.emit('session.signedOut', { profileId: id, reason });
        void core.session(id).then((s) => core.emit('session.changed', s));
      },
      onIdentity: (admin) => core.profiles.setAdmin(id, admin),
    });
    this.drafts = new DraftStore({
      dir: join(dir, 'drafts'),
      profileId: id,
      sealer: vault,
      template: (templateId) => this.draftTemplate(templateId),
      baseOf: (integrationId, version) => this.baseSnapshot(integrationId, version),
    });
  }

  private setOnline(online: boolean, reason: string | null) {
    if (this.disposed) return;
    if (this.connectivity.online === online && (online || this.connectivity.reason === reason)) return;
    const changed = this.connectivity.online !== online;
    this.connectivity = { online, since: changed || !this.connectivity.since ? new Date().toISOString() : this.connectivity.since, reason: online ? null : reason };
    this.core.emit('connectivity.changed', { profileId: this.id, ...this.connectivity });
    if (!online) this.startProbe();
    else this.stopProbe();
  }

  /** While offline, the server is probed in the background so the renderer learns when it is back. */
  private startProbe() {
    if (this.probeTimer || this.disposed) return;
    const interval = this.core.opts.probeIntervalMs ?? 5_000;
    const tick = async () => {
      this.probeTimer = null;
      if (!this.canProbe()) return;
      await this.probe();
      if (this.connectivity.online === false && !this.disposed) this.probeTimer = setTimeout(tick, interval).unref();
    };
    this.probeTimer = setTimeout(tick, interval).unref();
  }

  private canProbe() {
    // A local server that failed to start is not retried in a loop.
    return !this.disposed && this.connectivity.online === false && !(this.kind === 'local' && this.core.embedded.state.state === 'failed');
  }

  /** One health check at a time (the timer's and the ones reads ask for share it). */
  private probe(): Promise<unknown> {
    if (!this.probing) {
      this.lastProbeAt = Date.now();
      this.probing = this.client.probe().finally(() => {
        this.probing = null;
      });
    }
    return this.probing;
  }

  /** Someone is looking at cached data: check now whether the server is back rather than at the next tick. */
  private probeSoon() {
    if (!this.canProbe() || this.probing || Date.now() - this.lastProbeAt < PROBE_SOON_MIN_INTERVAL_MS) return;
    void this.probe();
  }

  /** Signed in, or able to sign in by itself: cached data is shown only then (never after a sign-out). */
  private hasSession(): boolean {
    if (this.kind === 'local') return !this.localSignedOut;
    return this.client.hasAccessToken || this.core.vault.get(vaultNames.refreshToken(this.id)) !== undefined;
  }

  private stopProbe() {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  /** Stops this runtime; resolves when its cache has written what it still held. */
  dispose(): Promise<void> {
    this.disposed = true;
    this.stopProbe();
    this.client.forget();
    return this.cache.flush().catch(() => {});
  }

  /**
   * A read served from the server, or from the cache (stale) when the server cannot be reached:
   * - known to be unreachable: the cache answers at once (no request that would only time out again), and
   *   the server is probed so that the next read is fresh once it is back;
   * - a remote server not heard from since the console started (a restart while it is gone): the cache
   *   answers if the server has not within `staleFallbackMs`; the request goes on in the background;
   * - otherwise the request decides, and a network failure falls back to the cache.
   * Keeping the fresh answer in the cache does not delay it (the cache writes behind).
   */
  async cachedRead<T>(key: string, fetch: () => Promise<T>, opts: CachedReadOptions<T> = {}): Promise<CachedOf<T>> {
    const load = opts.load ?? (() => this.cache.get<T>(key));
    const save = opts.save ?? ((data: T, at: string) => this.cache.put(key, data, at));
    const cached = async () => (await load()) ?? (opts.fallback ? await opts.fallback() : null);
    const stale = (hit: CacheEntry<T>): CachedOf<T> => ({ data: hit.data, stale: true, fetchedAt: hit.fetchedAt });
    if (this.connectivity.online === false && this.hasSession()) {
      const hit = await cached();
      if (hit) {
        this.probeSoon();
        return stale(hit);
      }
    }
    const attempt = (async (): Promise<CachedOf<T>> => {
      const data = await fetch();
      const fetchedAt = new Date().toISOString();
      await save(data, fetchedAt);
      return { data, stale: false, fetchedAt };
    })();
    // It may outlive this call (answered from the cache meanwhile): its failure is then nobody's to handle.
    attempt.catch(() => {});
    try {
      if (this.connectivity.online === null && this.kind === 'remote' && this.hasSession()) {
        const hit = await cached();
        if (hit) {
          const waitMs = this.core.opts.timeouts?.staleFallbackMs ?? DEFAULT_STALE_FALLBACK_MS;
          let timer: NodeJS.Timeout | undefined;
          const first = await Promise.race([attempt, new Promise<typeof NO_ANSWER>((r) => (timer = setTimeout(() => r(NO_ANSWER), waitMs)))]).finally(() => clearTimeout(timer));
          if (first !== NO_ANSWER) return first;
          // Still no word: say so (the request's own outcome corrects it), and show the last copy.
          this.setOnline(false, `${this.serverLabel} is not answering`);
          return stale(hit);
        }
      }
      return await attempt;
    } catch (err) {
      if (!isNetworkError(err)) throw err;
      const hit = await cached();
      if (!hit) throw err;
      return stale(hit);
    }
  }

  async template(id: number): Promise<CachedOf<IntegrationTemplate>> {
    return this.cachedRead(
      `template:${id}`,
      () => this.client.request<IntegrationTemplate>('GET', `/api/integration-templates/${id}`),
      { load: () => this.cache.getItem<IntegrationTemplate>('templates', id), save: (t, at) => this.cache.putItems('templates', [t], at) },
    );
  }

  private async draftTemplate(id: number): Promise<DraftTemplate | null> {
    let t: IntegrationTemplate | null = null;
    try {
      t = (await this.template(id)).data;
    } catch (err) {
      if (!isNetworkError(err) && !(err instanceof LoctelliError && err.code === 'signed_out')) throw err;
      t = (await this.cache.getItem<IntegrationTemplate>('templates', id))?.data ?? null;
    }
    return t ? { id: t.id, displayName: t.displayName, configSchema: t.configSchema, updatedAt: t.updatedAt } : null;
  }

  private async baseSnapshot(integrationId: number, version: number): Promise<DraftBaseSnapshot | null> {
    let i: Integration | null = null;
    try {
      i = (await this.integration(integrationId)).data;
    } catch {
      i = (await this.cache.getItem<Integration>('integrations', integrationId))?.data ?? null;
    }
    if (!i || i.version !== version) return null;
    return { version: i.version, name: i.name, description: i.description, isActive: i.isActive, config: i.config };
  }

  /** Fresh integrations from the server pass by the credential-expiry notifier. */
  private observed(i: Integration): Integration {
    this.core.credentialExpiry.observe(this.id, [i]);
    return i;
  }

  async integration(id: number): Promise<CachedOf<Integration>> {
    return this.cachedRead(
      `integration:${id}`,
      async () => this.observed(await this.client.request<Integration>('GET', `/api/integrations/${id}`)),
      { load: () => this.cache.getItem<Integration>('integrations', id), save: (i, at) => this.cache.putItems('integrations', [i], at) },
    );
  }

  /** Offline: the last copy of this exact page, else every cached integration matching the filters. */
  async integrations(filters: Record<string, unknown>): Promise<CachedOf<IntegrationPage>> {
    const key = `integrations:${canonical(filters)}`;
    return this.cachedRead(
      key,
      async () => {
        const page = await this.client.request<IntegrationPage>('GET', '/api/integrations', { query: filters });
        this.core.credentialExpiry.observe(this.id, page.items);
        return page;
      },
      {
        // The page keeps only its ids: its integrations are in the collection (one copy of each).
        save: async (page, at) => {
          await this.cache.putItems('integrations', page.items, at);
          await this.cache.put<StoredPage>(key, { ids: page.items.map((i) => i.id), nextCursor: page.nextCursor, total: page.total }, at);
        },
        load: async () => {
          const hit = await this.cache.get<StoredPage>(key);
          const items = hit && Array.isArray(hit.data.ids) ? await this.cache.getItems<Integration>('integrations', hit.data.ids) : null;
          if (!hit || !items) return null;
          return { data: { items: items.map((x) => x.data), nextCursor: hit.data.nextCursor, ...(hit.data.total !== undefined ? { total: hit.data.total } : {}) }, fetchedAt: hit.fetchedAt };
        },
        fallback: () => this.cachedIntegrationsMatching(filters),
      },
    );
  }

  private async cachedIntegrationsMatching(filters: Record<string, unknown>): Promise<CacheEntry<IntegrationPage> | null> {
    const all = await this.cache.allItems<Integration>('integrations');
    if (all.length === 0) return null;
    const words = searchWords(typeof filters.q === 'string' ? filters.q : '');
    const sort = (INTEGRATION_SORT_KEYS as readonly unknown[]).includes(filters.sort) ? (filters.sort as IntegrationSortKey) : DEFAULT_INTEGRATION_SORT.sort;
    const order = filters.order === 'asc' || filters.order === 'desc' ? filters.order : DEFAULT_INTEGRATION_SORT.order;
    const hits = all
      .filter(
        ({ data: i }) =>
          (filters.subAccountId === undefined || i.subAccountId === filters.subAccountId) &&
          (filters.status === undefined || i.status === filters.status) &&
          (filters.templateId === undefined || i.integrationTemplateId === filters.templateId) &&
          matchesSearch(i, words),
      )
      .sort((a, b) => compareIntegrations(a.data, b.data, sort, order));
    const fetchedAt = hits.reduce((min, h) => (h.fetchedAt < min ? h.fetchedAt : min), new Date().toISOString());
    return { data: { items: hits.map((h) => h.data), nextCursor: null }, fetchedAt };
  }
}

function hostOf(baseUrl: string | null): string {
  try {
    return new URL(baseUrl ?? '').host;
  } catch {
    return 'The server';
  }
}

export interface CachedReadOptions<T> {
  /** How a fresh answer is kept (default: as the cache entry of the read's key). */
  save?: (data: T, fetchedAt: string) => Promise<void>;
  /** How the kept answer is read back (default: the cache entry of the read's key). */
  load?: () => Promise<CacheEntry<T> | null>;
  /** A second-best cached answer (e.g. the cached items of a collection) when `load` finds none. */
  fallback?: () => Promise<CacheEntry<T> | null>;
}

/** A cached list page: the ids of its items, which are kept in their collection. */
interface StoredPage {
  ids: number[];
  nextCursor: string | null;
  total?: number;
}

/** Canonical JSON of a filter object (sorted keys, undefined dropped), for cache keys. */
export function canonical(v: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b))));
}

export class ConsoleCore {
  readonly settings: SettingsStore;
  readonly vault: CredentialVault;
  readonly profiles: ProfileStore;
  readonly embedded: EmbeddedServer;
  readonly credentialExpiry: CredentialExpiryNotifier;
  private readonly runtimes = new Map<string, ProfileRuntime>();
  private readonly bus = new EventEmitter();
  private readonly syncWatches = new Map<string, NodeJS.Timeout | true>();
  private stopped = false;

  constructor(readonly opts: ConsoleCoreOptions) {
    this.bus.setMaxListeners(100);
    // Tokens, the vault, drafts and cached data live here: the owner's alone, whatever made it or the umask.
    ensurePrivateDir(opts.userDataDir, opts.logger);
    tightenExisting(opts.userDataDir, { files: [...STORE_NAMES.map((n) => `${n}.json`), 'vault.key'], trees: ['profiles'] });
    this.settings = new SettingsStore(opts.openStore('settings'));
    this.vault = new CredentialVault(opts.cipher, opts.openStore('vault'), () => this.settings.insecureCredentialStorageAccepted());
    this.profiles = new ProfileStore(opts.openStore('profiles'), opts.userDataDir);
    this.credentialExpiry = new CredentialExpiryNotifier(this.settings, opts.notify);
    this.embedded = new EmbeddedServer({ dataDir: embeddedDataDir(opts.userDataDir), vault: this.vault, startServer: opts.startServer, logger: opts.logger });
    this.embedded.onStateChange((s) => {
      if (s.state === 'running' || s.state === 'failed') void this.session(LOCAL_PROFILE_ID).then((x) => this.emit('session.changed', x));
    });
  }

  /** Starts the Local workspace's server in the background when it is the active profile. */
  start(): void {
    if (this.profiles.activeId() === LOCAL_PROFILE_ID) void this.embedded.start().catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.syncWatches.values()) if (t !== true) clearTimeout(t);
    this.syncWatches.clear();
    const flushed = [...this.runtimes.values()].map((rt) => rt.dispose());
    this.runtimes.clear();
    await Promise.all(flushed);
    await this.embedded.stop();
    this.bus.removeAllListeners();
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>) {
    if (this.stopped) return;
    this.bus.emit('event', event, payload);
  }

  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.bus.on('event', listener);
    return () => this.bus.off('event', listener);
  }

  runtime(id: string): ProfileRuntime {
    let rt = this.runtimes.get(id);
    if (!rt) {
      const p = this.profiles.get(id);
      rt = new ProfileRuntime(p.id, p.kind, this, p.baseUrl);
      this.runtimes.set(id, rt);
    }
    return rt;
  }

  active(): ProfileRuntime {
    return this.runtime(this.profiles.activeId());
  }

  dropRuntime(id: string) {
    void this.runtimes.get(id)?.dispose();
    this.runtimes.delete(id);
  }

  async session(id = this.profiles.activeId()): Promise<Session> {
    const profile = this.profiles.view(id);
    const rt = this.runtime(id);
    let state: Session['state'];
    let error: string | null = null;
    if (profile.kind === 'local') {
      const s = this.embedded.state;
      if (rt.localSignedOut) state = 'signed_out';
      else if (s.state === 'starting' || s.state === 'stopped') state = 'starting';
      else if (s.state === 'failed') {
        state = 'signed_out';
        error = s.error;
      } else {
        // Running: the Local workspace signs in by itself (loopback, fast), so the session knows who.
        try {
          await rt.client.ensureSession();
          state = 'signed_in';
        } catch (err) {
          state = 'signed_out';
          error = `The Local workspace could not sign in: ${(err as Error).message}`;
        }
      }
    } else {
      try {
        assertUsableServerUrl(profile.baseUrl ?? '');
        state = rt.client.hasAccessToken || this.vault.get(vaultNames.refreshToken(id)) ? 'signed_in' : 'signed_out';
      } catch (err) {
        state = 'signed_out';
        error = (err as Error).message;
      }
    }
    const admin: AdminIdentity | null = state === 'signed_out' ? null : this.profiles.get(id).admin;
    return { profile, state, admin, connectivity: rt.connectivity, error };
  }

  /** Polls a sync run the user started and pushes its progress until it finishes. */
  watchSync(profileId: string, integrationId: number, syncRunId: number, initialStatus: string) {
    const key = `${profileId}:${syncRunId}`;
    if (this.syncWatches.has(key) || this.stopped) return;
    const rt = this.runtime(profileId);
    const interval = this.opts.syncPollMs ?? 1_000;
    let failures = 0;
    let lastSent = '';
    const push = (status: string, run: SyncRun | null, message: string | null) => {
      const finished = (FINISHED_SYNC_STATUSES as readonly string[]).includes(status);
      const progress = run?.progress && typeof run.progress === 'object' ? run.progress : null;
      const sig = JSON.stringify([status, progress, message]);
      if (sig !== lastSent || finished) {
        lastSent = sig;
        this.emit('sync.progress', { profileId, integrationId, syncRunId, status, progress, finished, message, at: new Date().toISOString(), run });
      }
      if (finished && status === 'failed') this.opts.notify?.({ title: 'Sync failed', body: message ?? `Sync run ${syncRunId} failed` });
      return finished;
    };
    push(initialStatus, null, null);
    const tick = async () => {
      if (this.stopped) return;
      try {
        const run = await rt.client.request<SyncRun>('GET', `/api/sync-runs/${syncRunId}`, { feature: 'sync runs' });
        failures = 0;
        const message = run.error && typeof run.error === 'object' ? String((run.error as { message?: unknown }).message ?? '') || null : null;
        if (push(String(run.status), run, message)) {
          this.syncWatches.delete(key);
          return;
        }
      } catch (err) {
        failures++;
        const code = (err as LoctelliError).code;
        if (code === 'not_available' || code === 'not_found' || code === 'signed_out' || failures >= 30) {
          this.syncWatches.delete(key);
          return;
        }
      }
      if (!this.stopped) this.syncWatches.set(key, setTimeout(tick, interval).unref());
    };
    this.syncWatches.set(key, setTimeout(tick, interval).unref());
  }
}

export function createConsoleCore(opts: ConsoleCoreOptions): ConsoleCore {
  return new ConsoleCore(opts);
}
