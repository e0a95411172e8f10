import type { Integration } from '../../shared/api/integrations';
import { expiringCredential } from '../../shared/credential-expiry';
import type { SettingsStore } from './settings';

export type Notify = (n: { title: string; body: string }) => void;

/** Remembered notifications are dropped this long after the credential's end (they can no longer fire again anyway). */
const FORGET_AFTER_MS = 30 * 86_400_000;

/**
 * Fires one desktop notification per integration when its credential enters the last CREDENTIAL_WARN_DAYS (shared/credential-expiry.ts) days, as
 * the console reads integrations from a server. "Once" survives restarts (the settings store remembers it) and is per
 * credential: a new token with its own expiry can warn again when its turn comes.
 */
export class CredentialExpiryNotifier {
  constructor(
    private readonly settings: SettingsStore,
    private readonly notify: Notify | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  observe(profileId: string, integrations: Integration[]): void {
    if (!this.notify) return;
    const now = this.now();
    const seen = this.settings.notifiedCredentialExpiries();
    let changed = false;
    for (const i of integrations) {
      if (i.credentialHealth?.valid === false) continue;
      const soon = expiringCredential(i.credentialHealth, now);
      if (!soon) continue;
      const key = `${profileId}|${i.id}|${soon.endsAt}`;
      if (seen[key]) continue;
      seen[key] = soon.endsAt;
      changed = true;
      const when = soon.daysLeft > 0 ? `expires in ${soon.daysLeft} day${soon.daysLeft === 1 ? '' : 's'}` : 'has expired';
      this.notify({
        title: 'Credential expiring',
        body: `${i.name} (${i.template.displayName}, ${i.subAccountName}): its token ${when}. Paste a new one in the integration's settings.`,
      });
    }
    for (const [key, endsAt] of Object.entries(seen)) {
      if (Date.parse(endsAt) + FORGET_AFTER_MS < now.getTime()) {
        delete seen[key];
        changed = true;
      }
    }
    if (changed) this.settings.setNotifiedCredentialExpiries(seen);
  }
}

