import type { CredentialHealth } from '../../../shared/api/integrations';
import { ProviderError } from '../errors';
import type { GraphClient } from './client';
import type { FacebookAdsConfig } from './config';

/**
 * The permissions this integration's config needs: ads_read (or ads_management, which includes it) for campaigns and
 * insights; with a Page, leads_retrieval and pages_read_engagement for its lead forms.
 */
export function requiredScopes(cfg: FacebookAdsConfig): string[] {
  return ['ads_read', ...(cfg.pageId ? ['leads_retrieval', 'pages_read_engagement'] : [])];
}

function missing(required: string[], granted: string[]): string[] {
  const has = new Set(granted);
  return required.filter((s) => !has.has(s) && !(s === 'ads_read' && has.has('ads_management')));
}

const unix = (v: unknown): string | null => (typeof v === 'number' && v > 0 ? new Date(v * 1000).toISOString() : null);

/**
 * Asks Graph's GET /debug_token about the integration's token: when it expires (`expires_at`, 0 = never), when the
 * app's data access ends (`data_access_expires_at`), its `scopes` and `is_valid`. Meta wants "an app access token or an
 * app developer's user access token for the app" there (Graph API reference, debug_token): with an App Secret
 * configured the app token `{app-id}|{app-secret}` is used (the app id read from GET /app with the token itself),
 * else the token inspects itself.
 *
 * Throws only what the caller must act on: a rejected token (disconnected) or a cancellation. Anything else (a
 * throttle, a Graph hiccup) answers null: the token's health is then unknown this time, and the sync goes on.
 */
export async function inspectToken(cfg: FacebookAdsConfig, client: GraphClient, now: Date): Promise<CredentialHealth | null> {
  let data: Record<string, unknown>;
  try {
    let appToken: string | undefined;
    if (cfg.appSecret) {
      const app = await client.get('app', { fields: 'id' }, 'the app of the access token');
      if (typeof app.id === 'string' && /^[0-9]+$/.test(app.id)) appToken = `${app.id}|${cfg.appSecret}`;
    }
    const body = await client.get('debug_token', { input_token: cfg.accessToken }, 'the access token\'s details (debug_token)', { accessToken: appToken });
    data = body.data && typeof body.data === 'object' ? (body.data as Record<string, unknown>) : {};
  } catch (err) {
    if (err instanceof ProviderError && (err.disconnected || err.type === 'cancelled' || err.origin === 'config' && err.type.startsWith('api_version'))) throw err;
    if (err instanceof ProviderError) return null;
    throw err;
  }
  if (data.is_valid === false) {
    const e = data.error as { message?: unknown; code?: unknown } | undefined;
    const why = typeof e?.message === 'string' ? ` (${e.code ?? 190}: ${e.message.slice(0, 300)})` : '';
    throw new ProviderError({
      origin: 'config', type: 'auth_rejected', retryable: false, disconnected: true,
      message: `Facebook says the access token is no longer valid${why}. Generate a new token and update the integration.`,
    });
  }
  const scopes = Array.isArray(data.scopes) ? data.scopes.filter((s): s is string => typeof s === 'string') : null;
  const expiresAt = unix(data.expires_at);
  return {
    kind: expiresAt ? 'expiring_token' : 'static_key',
    expiresAt,
    dataAccessExpiresAt: unix(data.data_access_expires_at),
    lastVerifiedAt: now.toISOString(),
    valid: typeof data.is_valid === 'boolean' ? data.is_valid : null,
    scopes,
    missingScopes: scopes ? missing(requiredScopes(cfg), scopes) : [],
  };
}

/** "the permissions leads_retrieval and pages_read_engagement": for messages. */
export function permissionList(scopes: string[]): string {
  const names = scopes.length > 1 ? `${scopes.slice(0, -1).join(', ')} and ${scopes[scopes.length - 1]}` : scopes[0];
  return `the permission${scopes.length > 1 ? 's' : ''} ${names}`;
}
