import type { ApiErrorDetail } from '../../../shared/api/common';
import { ProviderError } from '../errors';
import type { ConnectionTestOutcome, IntegrationHandler, WebhookVerification } from '../registry';
import type { Clock } from './clock';
import { GhlClient, type GhlClientOptions } from './client';
import { RateLimiterRegistry, sharedRateLimiters } from './rate-limiter';
import { syncLocation, type SyncWindow } from './sync';
import { applyWebhookEvent, eventMetadata } from './webhook-events';
import { GhlWebhookVerifier } from './webhook-signature';

export interface GoHighLevelHandlerOptions {
  /** API base URL; https://services.leadconnectorhq.com when omitted. */
  baseUrl?: string;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  /** Ed25519 PEM for X-GHL-Signature; GoHighLevel's published key when omitted. */
  webhookPublicKey?: string;
  /** RSA PEM for the legacy X-WH-Signature; GoHighLevel's published key when omitted. */
  webhookLegacyPublicKey?: string;
  /** Time source for rate limiting and backoff (tests use a virtual one). */
  clock?: Clock;
  /** Rate-limit state; the process-wide registry when omitted (a private one when only `clock` is given). */
  limiters?: RateLimiterRegistry;
  /** Contacts per page (GoHighLevel's maximum, 100, by default). */
  pageSize?: number;
  maxRateLimitRetries?: number;
  maxTransientRetries?: number;
  transientBackoffMs?: number;
  /** Wall clock for the appointments window. */
  now?: () => number;
  eventsWindow?: SyncWindow;
}

interface GhlConfig {
  apiKey: string;
  locationId: string;
  calendarId?: string;
}

export const GHL_TEMPLATE_NAME = 'GoHighLevel';

export function createGoHighLevelHandler(opts: GoHighLevelHandlerOptions = {}): IntegrationHandler {
  const limiters = opts.limiters ?? (opts.clock ? new RateLimiterRegistry(opts.clock) : sharedRateLimiters);
  const verifier = new GhlWebhookVerifier({ publicKey: opts.webhookPublicKey, legacyPublicKey: opts.webhookLegacyPublicKey });

  const clientFor = (config: GhlConfig, overrides: Partial<GhlClientOptions> = {}) =>
    new GhlClient({
      apiKey: config.apiKey,
      locationId: config.locationId,
      baseUrl: opts.baseUrl,
      timeoutMs: opts.timeoutMs,
      clock: opts.clock,
      limiters,
      maxRateLimitRetries: opts.maxRateLimitRetries,
      maxTransientRetries: opts.maxTransientRetries,
      transientBackoffMs: opts.transientBackoffMs,
      ...overrides,
    });

  return {
    templateName: GHL_TEMPLATE_NAME,

    validateConfig(config) {
      const details: ApiErrorDetail[] = [];
      const apiKey = config.apiKey;
      if (typeof apiKey === 'string') {
        if (/^bearer\s/i.test(apiKey.trim())) {
          details.push({ path: '/apiKey', message: 'Paste only the token, without the "Bearer " prefix.' });
        } else if (/\s/.test(apiKey.trim())) {
          details.push({ path: '/apiKey', message: 'The API key contains spaces or line breaks; copy the token again in one piece.' });
        }
      }
      return details;
    },

    async testConnection(config, ctx): Promise<ConnectionTestOutcome> {
      // A person is waiting: report the first failure instead of retrying transient ones.
      try {
        const client = clientFor(readConfig(config), { maxTransientRetries: 0, maxRateLimitRetries: 1 });
        const location = await client.getLocation(ctx.signal);
        const name = typeof location.name === 'string' && location.name ? location.name : location.id;
        const summary: Record<string, unknown> = { id: location.id, name: location.name ?? null };
        if (typeof location.timezone === 'string') summary.timezone = location.timezone;
        return { ok: true, status: 'active', message: `Connected to location "${name}"`, details: { location: summary } };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        return {
          ok: false,
          status: err.disconnected ? 'disconnected' : 'error',
          message: err.message,
          details: { error: err.toJSON(), ...(err.httpStatus ? { httpStatus: err.httpStatus } : {}) },
        };
      }
    },

    async syncData(config, ctx) {
      const cfg = readConfig(config);
      return syncLocation(clientFor(cfg), cfg.calendarId, ctx, { pageSize: opts.pageSize, now: opts.now, window: opts.eventsWindow });
    },

    // GoHighLevel signs with its own platform key pair, so the integration's webhook secret plays no part here.
    verifyWebhook(req, config): WebhookVerification {
      const rawBody = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
      const check = verifier.check(rawBody, req.headers ?? {});
      if (!check.ok) return { ok: false, reason: check.reason };
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return { ok: false, reason: 'body is not JSON' };
      }
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'body is not a JSON object' };
      const event = payload as Record<string, unknown>;
      // Every GoHighLevel customer's deliveries carry a valid platform signature: also require our location.
      const eventLocation = typeof event.locationId === 'string' ? event.locationId : undefined;
      if (eventLocation && typeof config.locationId === 'string' && eventLocation !== config.locationId) {
        return { ok: false, reason: `event is for location ${eventLocation}, not the configured one` };
      }
      return { ok: true, ...eventMetadata(event, rawBody), payload };
    },

    async processWebhook(payload, config, ctx) {
      await applyWebhookEvent(payload, readConfig(config).locationId, ctx);
    },
  };
}

function readConfig(config: Record<string, unknown>): GhlConfig {
  const apiKey = typeof config.apiKey === 'string' ? config.apiKey.trim() : '';
  const locationId = typeof config.locationId === 'string' ? config.locationId.trim() : '';
  if (!apiKey || !locationId) {
    throw new ProviderError({
      origin: 'config',
      type: 'invalid_config',
      message: `GoHighLevel needs ${!apiKey ? 'an API Key' : 'a Location ID'}.`,
      retryable: false,
    });
  }
  const calendarId = typeof config.calendarId === 'string' && config.calendarId.trim() ? config.calendarId.trim() : undefined;
  return { apiKey, locationId, calendarId };
}
