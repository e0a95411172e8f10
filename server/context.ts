import type { Database, Db } from './db/connect';
import type { Keyring } from './crypto/keyring';
import type { HandlerRegistry } from './providers/registry';
import type { LoginLimiter } from './auth/login-limiter';

/** What every feature plugin needs, built once at start and shared through `app.ctx`. */
export interface AppContext {
  database: Database;
  db: Db;
  keyring: Keyring;
  handlers: HandlerRegistry;
  loginLimiter: LoginLimiter;
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
