import { LoctelliError } from '../../shared/ipc/errors';
import type { CredentialStorage, CredentialStorageMode } from '../../shared/ipc/schemas';
import { INSECURE_BACKENDS, type Cipher } from './cipher';
import type { KeyValueStore } from './kv-store';

const ENTRIES_KEY = 'entries';

/** Names of what the vault holds. None of these values ever crosses IPC. */
export const vaultNames = {
  refreshToken: (profileId: string) => `refresh:${profileId}`,
  embeddedAdminPassword: 'embedded-admin-password',
  /** The hash last written for that password: lets a start skip re-verifying it (not a secret by itself). */
  embeddedAdminPasswordHash: 'embedded-admin-password-hash',
};

/**
 * The credential vault: refresh tokens of each profile and the Local workspace's admin password,
 * encrypted through the injected cipher (Electron safeStorage in the app). When the OS offers no real
 * encryption (Linux basic_text), values stay in memory only unless the user explicitly accepted storing
 * them that way.
 */
export class CredentialVault {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly cipher: Cipher,
    private readonly store: KeyValueStore,
    /** Whether the user accepted an insecure backend (Settings). */
    private readonly insecureAccepted: () => boolean,
  ) {}

  status(): CredentialStorage {
    const backend = this.cipher.backend();
    const encryptionAvailable = this.safeIsAvailable();
    const insecure = INSECURE_BACKENDS.has(backend);
    const mode = this.mode();
    let warning: string | null = null;
    if (!encryptionAvailable) {
      warning = 'This system offers no way to encrypt credentials: sign-ins are kept in memory only and are lost when the console quits.';
    } else if (insecure) {
      warning =
        mode === 'basic_text_accepted'
          ? `No OS keyring is available (backend "${backend}"): credentials are stored on disk with a fixed key that anyone who can read your files can undo.`
          : `No OS keyring is available (backend "${backend}"): credentials are kept in memory only and you will sign in again after each restart. You may choose to store them anyway, without real protection.`;
    }
    return { backend, encryptionAvailable, mode, warning, canAcceptInsecure: encryptionAvailable && insecure };
  }

  mode(): CredentialStorageMode {
    if (!this.safeIsAvailable()) return 'memory_only';
    if (INSECURE_BACKENDS.has(this.cipher.backend())) return this.insecureAccepted() ? 'basic_text_accepted' : 'memory_only';
    return 'encrypted';
  }

  /** True when values written now survive a restart. */
  get persistent(): boolean {
    return this.mode() !== 'memory_only';
  }

  get(name: string): string | undefined {
    if (this.memory.has(name)) return this.memory.get(name);
    if (!this.persistent) return undefined;
    const sealed = this.entries()[name];
    if (sealed === undefined) return undefined;
    try {
      const value = this.unseal(sealed);
      this.memory.set(name, value);
      return value;
    } catch {
      // Encrypted under another OS user or keyring: unusable, forget it.
      this.deleteStored(name);
      return undefined;
    }
  }

  set(name: string, value: string): void {
    this.memory.set(name, value);
    if (this.persistent) this.store.set(ENTRIES_KEY, { ...this.entries(), [name]: this.sealOrThrow(value) });
  }

  delete(name: string): void {
    this.memory.delete(name);
    this.deleteStored(name);
  }

  /** Deletes every value whose name starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const k of [...this.memory.keys()]) if (k.startsWith(prefix)) this.memory.delete(k);
    const entries = this.entries();
    const kept = Object.fromEntries(Object.entries(entries).filter(([k]) => !k.startsWith(prefix)));
    if (Object.keys(kept).length !== Object.keys(entries).length) this.store.set(ENTRIES_KEY, kept);
  }

  /** Encrypts a value for storage elsewhere (draft secrets); null when values must stay in memory. */
  seal(value: string): string | null {
    return this.persistent ? this.sealOrThrow(value) : null;
  }

  unseal(sealed: string): string {
    return this.cipher.decryptString(Buffer.from(sealed, 'base64'));
  }

  /**
   * Applies a change of the storage policy: becoming persistent writes the in-memory values out;
   * becoming memory-only loads the stored ones into memory and erases them from disk.
   */
  policyChanged(): void {
    if (this.persistent) {
      const entries = this.entries();
      for (const [name, value] of this.memory) entries[name] = this.sealOrThrow(value);
      this.store.set(ENTRIES_KEY, entries);
    } else {
      for (const [name, sealed] of Object.entries(this.entries())) {
        if (this.memory.has(name)) continue;
        try {
          this.memory.set(name, this.unseal(sealed));
        } catch {
          /* unreadable: dropped */
        }
      }
      this.store.delete(ENTRIES_KEY);
    }
  }

  private sealOrThrow(value: string): string {
    try {
      return this.cipher.encryptString(value).toString('base64');
    } catch (err) {
      throw new LoctelliError('credential_storage', `The credential vault could not encrypt a value: ${(err as Error).message}`);
    }
  }

  private safeIsAvailable(): boolean {
    try {
      return this.cipher.isEncryptionAvailable();
    } catch {
      return false;
    }
  }

  private entries(): Record<string, string> {
    const v = this.store.get(ENTRIES_KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, string>) } : {};
  }

  private deleteStored(name: string) {
    const entries = this.entries();
    if (!(name in entries)) return;
    delete entries[name];
    this.store.set(ENTRIES_KEY, entries);
  }
}
