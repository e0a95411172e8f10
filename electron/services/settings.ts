import type { Theme } from '../../shared/ipc/schemas';
import type { KeyValueStore } from './kv-store';

/** The console's own preferences (global, not per profile). */
export class SettingsStore {
  constructor(private readonly store: KeyValueStore) {}

  theme(): Theme {
    const t = this.store.get('theme');
    return t === 'light' || t === 'dark' ? t : 'system';
  }

  setTheme(theme: Theme) {
    this.store.set('theme', theme);
  }

  insecureCredentialStorageAccepted(): boolean {
    return this.store.get('acceptInsecureCredentialStorage') === true;
  }

  setInsecureCredentialStorageAccepted(v: boolean) {
    this.store.set('acceptInsecureCredentialStorage', v);
  }

  /** Credential-expiry notifications already shown: "profile|integration|endsAt" → endsAt (electron/services/credential-expiry.ts). */
  notifiedCredentialExpiries(): Record<string, string> {
    const v = this.store.get('credentialExpiryNotified');
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, string>) } : {};
  }

  setNotifiedCredentialExpiries(v: Record<string, string>) {
    this.store.set('credentialExpiryNotified', v);
  }
}
