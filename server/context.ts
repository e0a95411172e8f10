import type { Database, Db } from './db/connect';
import type { Keyring } from './crypto/keyring';
import type { HandlerRegistry } from './providers/registry';
import type { LoginLimiter } from './auth/login-limiter';
import type { SyncEngine } from './sync/engine';
import type { TokenBuckets } from './webhooks/rate-limit';
import type { WebhookTargetCache } from './webhooks/target-cache';

/** What every feature plugin needs, built once at start and shared through `app.ctx`. */
export interface AppContext {
  database: Database;
  db: Db;
  keyring: Keyring;
  handlers: HandlerRegistry;
  loginLimiter: LoginLimiter;
  webhookLimiter: TokenBuckets;
  /** What webhook deliveries need per integration, cached briefly; integration writes invalidate it. */
  webhookTargets: WebhookTargetCache;
  /** Absent when this process runs without the job queue (some tests); sync routes then answer 503. */
  sync?: SyncEngine;
}

export interface AuthenticatedAdmin {
  id: number;
  name: string;
  email: string;
  role: 'admin' | 'super_admin';
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
  interface FastifyRequest {
    admin: AuthenticatedAdmin;
  }
}
