import type { CredentialHealth } from './api/integrations';

/** The console lists, and notifies once about, credentials that stop working within this many days. */
export const CREDENTIAL_WARN_DAYS = 14;

const DAY_MS = 86_400_000;

/** When the credential stops working: the earlier of the token's expiry and the end of its data access (Meta). */
export function credentialEndsAt(h: CredentialHealth | null): string | null {
  const ends = [h?.expiresAt, h?.dataAccessExpiresAt].filter((x): x is string => !!x).sort();
  return ends[0] ?? null;
}

/** The credential's end when it falls within `days` of `now` (or has passed), else null. */
export function expiringCredential(h: CredentialHealth | null, now: Date, days = CREDENTIAL_WARN_DAYS): { endsAt: string; daysLeft: number } | null {
  const endsAt = credentialEndsAt(h);
  if (!endsAt) return null;
  const daysLeft = Math.ceil((Date.parse(endsAt) - now.getTime()) / DAY_MS);
  return daysLeft <= days ? { endsAt, daysLeft } : null;
}
