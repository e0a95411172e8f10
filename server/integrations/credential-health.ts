import type { CredentialHealth, ProviderWarning } from '../../shared/api/integrations';
import type { ProviderHealthReport } from '../providers/registry';

/** How a test or sync ended, as far as the credential is concerned. */
export type CredentialVerdict = 'ok' | 'failed' | 'disconnected';

/**
 * The integration's credential health and warnings after a test or sync. A handler that inspects its credential (Meta's
 * debug_token) reports it; one that does not (GoHighLevel's Private Integration Token, Google's service account key)
 * holds a static key, verified by the call succeeding. A report of null means "could not tell this time": the last
 * record stays. Rejected credentials are recorded as not valid whatever was known before.
 */
export function nextHealth(
  previous: { credentialHealth: CredentialHealth | null; providerWarnings: ProviderWarning[] },
  report: ProviderHealthReport | undefined,
  verdict: CredentialVerdict,
  now: Date,
): { credentialHealth: CredentialHealth | null; providerWarnings: ProviderWarning[] } {
  const at = now.toISOString();
  let credential = previous.credentialHealth;
  if (report?.credential) credential = report.credential;
  else if (report?.credential === undefined && verdict === 'ok') {
    credential = { kind: 'static_key', expiresAt: null, dataAccessExpiresAt: null, lastVerifiedAt: at, valid: true, scopes: null, missingScopes: [] };
  }
  if (verdict === 'disconnected') {
    credential = { ...(credential ?? { kind: 'static_key', expiresAt: null, dataAccessExpiresAt: null, scopes: null, missingScopes: [] }), valid: false, lastVerifiedAt: at };
  }
  const providerWarnings = report?.warnings ?? (verdict === 'ok' ? [] : previous.providerWarnings);
  return { credentialHealth: credential, providerWarnings };
}
