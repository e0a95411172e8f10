import type { HandlerCallContext, IntegrationHandler, SyncContext } from '../registry';
import {
  DEFAULT_GRAPH_API_VERSION,
  DEFAULT_GRAPH_BASE_URL,
  DEFAULT_GRAPH_TIMEOUT_MS,
  GraphClient,
  NO_RETRY_POLICY,
  realSleep,
  SYNC_RETRY_POLICY,
  type RetryPolicy,
  type Sleep,
} from './client';
import { ProviderError } from '../errors';
import { parseFacebookAdsConfig, validateFacebookAdsConfig, type FacebookAdsConfig } from './config';
import { testFacebookConnection } from './connection-test';
import { applyLeadgenWebhook } from './leads';
import { syncFacebookAds } from './sync';
import { facebookWebhookHandshake, verifyFacebookWebhook } from './webhooks';

export const FACEBOOK_ADS_TEMPLATE = 'FacebookAds';

export interface FacebookAdsHandlerOptions {
  /** Graph's origin (default https://graph.facebook.com); tests point it at the fake. */
  baseUrl?: string;
  /** Used when the template has no apiVersion (default DEFAULT_GRAPH_API_VERSION). */
  defaultApiVersion?: string;
  /** Per-request bound (default 15 s). */
  timeoutMs?: number;
  sleep?: Sleep;
  /** Clock for the insights window, the version table and token expiry. */
  now?: () => Date;
  /** Graph `limit` per page (default 100). */
  pageSize?: number;
  /** Days of insights on the first sync (default 30). */
  firstSyncDays?: number;
  /** Overrides for the sync retry policy (backoff bounds, slowdown threshold). */
  syncRetry?: Partial<RetryPolicy>;
}

/** A webhook is processed while Meta (or our queue) waits: a short retry at most, long throttles go back to the caller. */
const WEBHOOK_RETRY_POLICY: RetryPolicy = { maxThrottleRetries: 0, maxTransientRetries: 1, transientBaseDelayMs: 500, maxInlineWaitMs: 5_000, slowdownAtPct: 95 };

export function createFacebookAdsHandler(opts: FacebookAdsHandlerOptions = {}): IntegrationHandler {
  const sleep = opts.sleep ?? realSleep;
  const now = opts.now ?? (() => new Date());
  const syncPolicy: RetryPolicy = { ...SYNC_RETRY_POLICY, ...opts.syncRetry };

  const client = (cfg: FacebookAdsConfig, ctx: HandlerCallContext, retry: RetryPolicy, onWait?: (ms: number, why: string) => void) =>
    new GraphClient({
      baseUrl: opts.baseUrl ?? DEFAULT_GRAPH_BASE_URL,
      apiVersion: ctx.apiVersion || opts.defaultApiVersion || DEFAULT_GRAPH_API_VERSION,
      accessToken: cfg.accessToken,
      appSecret: cfg.appSecret,
      timeoutMs: opts.timeoutMs ?? DEFAULT_GRAPH_TIMEOUT_MS,
      signal: ctx.signal,
      sleep,
      retry,
      onWait,
      now,
    });

  return {
    templateName: FACEBOOK_ADS_TEMPLATE,

    validateConfig: validateFacebookAdsConfig,

    async testConnection(config, ctx) {
      const cfg = parseFacebookAdsConfig(config);
      let graph: GraphClient;
      try {
        graph = client(cfg, ctx, NO_RETRY_POLICY);
      } catch (err) {
        // An expired API version is the verdict itself, said in full rather than as a crashed test.
        if (err instanceof ProviderError) return { ok: false, status: 'error', message: err.message, details: { error: { type: err.type, retryable: err.retryable } } };
        throw err;
      }
      return testFacebookConnection(cfg, graph, now());
    },

    async syncData(config, ctx: SyncContext) {
      const cfg = parseFacebookAdsConfig(config);
      const onWait = (ms: number, why: string) => ctx.progress({ step: `${why}; waiting ${Math.ceil(ms / 1000)} s` });
      return syncFacebookAds(cfg, client(cfg, ctx, syncPolicy, onWait), ctx, {
        pageSize: opts.pageSize ?? 100,
        firstSyncDays: opts.firstSyncDays ?? 30,
        now,
      });
    },

    webhookHandshake: facebookWebhookHandshake,

    verifyWebhook(req, config) {
      const appSecret = typeof config.appSecret === 'string' && config.appSecret !== '' ? config.appSecret : undefined;
      return verifyFacebookWebhook(req, appSecret);
    },

    async processWebhook(payload, config, ctx) {
      const cfg = parseFacebookAdsConfig(config);
      await applyLeadgenWebhook(payload, cfg, client(cfg, ctx, WEBHOOK_RETRY_POLICY), ctx);
    },
  };
}
