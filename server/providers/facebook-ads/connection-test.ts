import type { CredentialHealth, ProviderWarning } from '../../../shared/api/integrations';
import { ProviderError } from '../errors';
import type { ConnectionTestOutcome, ProviderHealthReport } from '../registry';
import type { GraphClient } from './client';
import type { FacebookAdsConfig } from './config';
import { inspectToken, permissionList } from './token-health';

/** Meta's AdAccount.account_status values. Only ACTIVE accounts run ads and report fresh data. */
const ACCOUNT_STATUS: Record<number, string> = {
  1: 'active',
  2: 'disabled',
  3: 'unsettled (a payment failed)',
  7: 'pending risk review',
  8: 'pending settlement',
  9: 'in a grace period (a payment failed)',
  100: 'pending closure',
  101: 'closed',
  201: 'active',
  202: 'closed',
};

interface AdAccountDetails {
  id: string;
  name: string;
  currency: string;
  accountStatus: number | null;
}

function failure(err: ProviderError, details: Record<string, unknown>, health: ProviderHealthReport, lacking = ''): ConnectionTestOutcome {
  return {
    ok: false,
    status: err.disconnected ? 'disconnected' : 'error',
    message: `${err.message}${lacking}`,
    details: { ...details, error: { type: err.type, retryable: err.retryable, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) } },
    health,
  };
}

/** The client's version warning, if Meta sent one, as the integration's warning list. */
export function versionWarnings(client: GraphClient, now: Date): ProviderWarning[] {
  return client.stats.versionWarning ? [{ code: 'api_version_upgraded', message: client.stats.versionWarning, at: now.toISOString() }] : [];
}

export async function testFacebookConnection(cfg: FacebookAdsConfig, client: GraphClient, now: Date): Promise<ConnectionTestOutcome> {
  // The token first: an expired or revoked one gets Meta's clearest words, and its permissions explain later refusals.
  let token: CredentialHealth | null = null;
  const health = (): ProviderHealthReport => ({ credential: token, warnings: versionWarnings(client, now) });
  try {
    token = await inspectToken(cfg, client, now);
  } catch (err) {
    if (err instanceof ProviderError && err.type !== 'cancelled') {
      if (err.disconnected) token = { kind: 'expiring_token', expiresAt: null, dataAccessExpiresAt: null, lastVerifiedAt: now.toISOString(), valid: false, scopes: null, missingScopes: [] };
      return failure(err, {}, health());
    }
    throw err;
  }
  const missingScopes = token?.missingScopes ?? [];
  const lacking = missingScopes.length ? ` The token lacks ${permissionList(missingScopes)}.` : '';
  const tokenDetails = token ? { token: { kind: token.kind, expiresAt: token.expiresAt, dataAccessExpiresAt: token.dataAccessExpiresAt, scopes: token.scopes, missingScopes } } : {};

  let adAccount: AdAccountDetails;
  try {
    const a = await client.get(`act_${cfg.adAccountId}`, { fields: 'name,account_status,currency' }, `ad account ${cfg.adAccountId}`);
    adAccount = {
      id: typeof a.id === 'string' ? a.id : `act_${cfg.adAccountId}`,
      name: typeof a.name === 'string' ? a.name : `act_${cfg.adAccountId}`,
      currency: typeof a.currency === 'string' ? a.currency : '?',
      accountStatus: typeof a.account_status === 'number' ? a.account_status : null,
    };
  } catch (err) {
    // A cancelled test is the caller's to report (it knows whether it timed out or was abandoned).
    if (err instanceof ProviderError && err.type !== 'cancelled') return failure(err, tokenDetails, health(), lacking);
    throw err;
  }

  let page: { id: string; name: string } | undefined;
  if (cfg.pageId) {
    try {
      const p = await client.get(cfg.pageId, { fields: 'name' }, `Page ${cfg.pageId}`);
      page = { id: typeof p.id === 'string' ? p.id : cfg.pageId, name: typeof p.name === 'string' ? p.name : cfg.pageId };
    } catch (err) {
      if (err instanceof ProviderError && err.type !== 'cancelled') return failure(err, { ...tokenDetails, adAccount }, health(), lacking);
      throw err;
    }
  }

  const details: Record<string, unknown> = { ...tokenDetails, adAccount, ...(page ? { page } : {}) };
  const pageText = page ? ` and Page "${page.name}"` : '';
  const status = adAccount.accountStatus;
  if (status !== null && status !== 1 && status !== 201) {
    // Reading still works, but nothing new will happen in the account: the user has to act in Ads Manager.
    const label = ACCOUNT_STATUS[status] ?? `in status ${status}`;
    return {
      ok: false,
      status: 'error',
      message: `Reached ad account "${adAccount.name}" (${adAccount.currency})${pageText}, but it is ${label} (account_status ${status}); fix it in Meta Ads Manager → Billing & payments / Account quality.${lacking}`,
      details,
      health: health(),
    };
  }
  if (missingScopes.length) {
    // Reads work today, but what the missing permissions cover (lead forms) will fail: the user must regenerate the token.
    return {
      ok: false,
      status: 'error',
      message: `Connected to ad account "${adAccount.name}" (${adAccount.currency})${pageText}, but the token lacks ${permissionList(missingScopes)}. Generate a token with ${missingScopes.length > 1 ? 'them' : 'it'} and update the integration.`,
      details,
      health: health(),
    };
  }
  return { ok: true, status: 'active', message: `Connected to ad account "${adAccount.name}" (${adAccount.currency})${pageText}`, details, health: health() };
}
