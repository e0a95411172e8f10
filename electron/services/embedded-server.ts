import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { loadConfig, type ServerConfig } from '../../server/config';
import { hashPassword, verifyPassword } from '../../server/crypto/password';
import { adminUsers } from '../../server/db/schema';
import { createLogger } from '../../server/logging';
import { startServer, type RunningServer, type StartOptions } from '../../server/start';
import { ensurePrivateDir } from './private-dir';
import { vaultNames, type CredentialVault } from './vault';

export const LOCAL_ADMIN_EMAIL = 'local-admin@loctelli.local';

export type StartServerFn = (config: ServerConfig, opts: StartOptions) => Promise<RunningServer>;

export interface EmbeddedServerOptions {
  /** Folder of the embedded server's data (PGlite database, its encryption key file, JWT secret). */
  dataDir: string;
  vault: CredentialVault;
  logger?: Logger;
  /** Replaces server/start.ts's startServer (tests). */
  startServer?: StartServerFn;
}

export type EmbeddedState = { state: 'stopped' } | { state: 'starting' } | { state: 'running'; url: string } | { state: 'failed'; error: string };

/**
 * The Local workspace: the integrations API started in-process on PGlite under the user-data folder, on
 * an ephemeral loopback port, with a local super_admin whose generated password lives in the vault (never
 * shown, never sent to the renderer). If the vault lost the password (memory-only credentials, new OS
 * keyring) a new one is generated and set.
 */
export class EmbeddedServer {
  private running: RunningServer | null = null;
  private starting: Promise<string> | null = null;
  private status: EmbeddedState = { state: 'stopped' };
  private listeners = new Set<(s: EmbeddedState) => void>();

  constructor(private readonly opts: EmbeddedServerOptions) {}

  get state(): EmbeddedState {
    return this.status;
  }

  onStateChange(fn: (s: EmbeddedState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(s: EmbeddedState) {
    this.status = s;
    for (const l of this.listeners) l(s);
  }

  /** Starts once; every caller waits for the same start. Resolves to the base URL. */
  start(): Promise<string> {
    if (this.running) return Promise.resolve(this.running.url);
    if (!this.starting) {
      this.set({ state: 'starting' });
      this.starting = this.doStart().then(
        (url) => {
          this.set({ state: 'running', url });
          return url;
        },
        (err) => {
          this.starting = null;
          this.set({ state: 'failed', error: (err as Error).message });
          throw err;
        },
      );
    }
    return this.starting;
  }

  /** The local admin's credentials, for the API client's automatic sign-in only. */
  credentials(): { email: string; password: string } | undefined {
    const password = this.opts.vault.get(vaultNames.embeddedAdminPassword);
    return password ? { email: LOCAL_ADMIN_EMAIL, password } : undefined;
  }

  private async doStart(): Promise<string> {
    // The server's database and key files: the owner's alone (checked here too, before the server starts).
    ensurePrivateDir(this.opts.dataDir, this.opts.logger);
    let password = this.opts.vault.get(vaultNames.embeddedAdminPassword);
    if (!password) {
      password = randomBytes(24).toString('base64url');
      this.opts.vault.set(vaultNames.embeddedAdminPassword, password);
    }
    const start = this.opts.startServer ?? startServer;
    const running = await start(
      {
        // The server's own defaults (nothing from this process's environment: no DATABASE_URL, PORT, …).
        ...loadConfig({}),
        host: '127.0.0.1',
        port: 0,
        dataDir: this.opts.dataDir,
        adminEmail: LOCAL_ADMIN_EMAIL,
        adminPassword: password,
        adminName: 'Local administrator',
        databaseUrl: undefined,
        encryptionKeys: undefined,
        jwtSecret: undefined,
        logLevel: 'warn',
        trustProxy: false,
      },
      // Sooner to the first screen: do not wait for the job queue, and skip the OpenAPI document (nobody
      // reads the Local workspace's /docs; building it loads and walks every route schema at start).
      { logger: this.opts.logger ?? createLogger({ level: 'warn' }), queueInBackground: true, openapi: false },
    );
    try {
      await this.ensureLocalAdmin(running, password);
    } catch (err) {
      await running.close().catch(() => {});
      throw err;
    }
    this.running = running;
    return running.url;
  }

  /**
   * On an existing data folder the stored password may be a new one: make the database agree. The vault
   * also remembers the hash it last wrote, so the usual start (same password, same hash) skips the scrypt
   * verification, which would otherwise be a noticeable part of opening the console.
   */
  private async ensureLocalAdmin(running: RunningServer, password: string) {
    const db = running.database.db;
    const [admin] = await db.select().from(adminUsers).where(eq(adminUsers.email, LOCAL_ADMIN_EMAIL));
    const setHash = async () => {
      const passwordHash = await hashPassword(password);
      this.opts.vault.set(vaultNames.embeddedAdminPasswordHash, passwordHash);
      return passwordHash;
    };
    if (!admin) {
      await db.insert(adminUsers).values({ name: 'Local administrator', email: LOCAL_ADMIN_EMAIL, passwordHash: await setHash(), role: 'super_admin' });
      return;
    }
    const usable = admin.isActive && admin.role === 'super_admin';
    if (usable && admin.passwordHash === this.opts.vault.get(vaultNames.embeddedAdminPasswordHash)) return;
    if (usable && (await verifyPassword(password, admin.passwordHash))) {
      this.opts.vault.set(vaultNames.embeddedAdminPasswordHash, admin.passwordHash);
      return;
    }
    await db.update(adminUsers).set({ passwordHash: await setHash(), isActive: true, role: 'super_admin' }).where(eq(adminUsers.id, admin.id));
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    if (starting) await starting.catch(() => {});
    const running = this.running;
    this.running = null;
    this.starting = null;
    if (running) await running.close();
    this.set({ state: 'stopped' });
  }
}

export const embeddedDataDir = (userDataDir: string) => join(userDataDir, 'local-workspace');
