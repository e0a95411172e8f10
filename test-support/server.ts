import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../server/app';
import { LoginLimiter, type LoginLimits } from '../server/auth/login-limiter';
import type { AppContext } from '../server/context';
import { parseKeyringEnv, type Keyring } from '../server/crypto/keyring';
import type { Database } from '../server/db/connect';
import { createLogger } from '../server/logging';
import { HandlerRegistry } from '../server/providers/registry';
import { seed } from '../server/seed';
import { createTestDatabase } from './database';
import { SyncEngine, type SyncEngineOptions } from '../server/sync/engine';
import { createJobQueue } from '../server/sync/job-queue';
import { WebhookTargetCache } from '../server/webhooks/target-cache';
import { TokenBuckets } from '../server/webhooks/rate-limit';

export const SUPER = { email: 'root@loctelli.test', password: 'correct-horse-battery-1' };

export function randomKeyringEnv(...ids: string[]): string {
  return ids.map((id) => `${id}:${randomBytes(32).toString('base64')}`).join(',');
}

export interface TestServer {
  app: FastifyInstance;
  database: Database;
  ctx: AppContext;
  keyring: Keyring;
  jwtSecret: string;
  /** Every log line the server wrote, at trace level. */
  logs: string[];
  /** Every response body the tests saw through `call`. */
  responses: string[];
  call(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  login(email?: string, password?: string): Promise<{ access_token: string; refresh_token: string }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  database?: Database;
  keyringEnv?: string;
  loginLimits?: LoginLimits;
  handlers?: HandlerRegistry;
  bodyLimit?: number;
  /** Start the sync engine (pg-boss on the test database) with these options; workers run in-process. */
  sync?: Partial<SyncEngineOptions> & { worker?: boolean };
  webhookLimit?: { perSecond: number; burst: number };
}

/** The real API on a fresh database (PGlite or PostgreSQL per project), seeded with SUPER as super_admin. */
export async function createTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const database = opts.database ?? (await createTestDatabase());
  await seed(database.db, { adminEmail: SUPER.email, adminPassword: SUPER.password, adminName: 'Root' });
  const keyring = parseKeyringEnv(opts.keyringEnv ?? randomKeyringEnv('test1'));
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const ctx: AppContext = {
    database,
    db: database.db,
    keyring,
    handlers: opts.handlers ?? new HandlerRegistry(),
    loginLimiter: new LoginLimiter(opts.loginLimits ?? { perIp: { max: 10_000, windowMs: 60_000 }, perEmailFailures: { max: 10_000, windowMs: 60_000 } }),
    webhookLimiter: new TokenBuckets(opts.webhookLimit?.perSecond ?? 10_000, opts.webhookLimit?.burst ?? 100_000),
    webhookTargets: new WebhookTargetCache(),
  };
  const jwtSecret = randomBytes(32).toString('hex');
  const logger = createLogger({ level: 'trace', destination });
  if (opts.sync) {
    const { worker = true, ...syncOptions } = opts.sync;
    ctx.sync = new SyncEngine(ctx, createJobQueue(database), logger, { schedulerIntervalMs: 60 * 60_000, ...syncOptions });
    await ctx.sync.start({ worker });
  }
  const app = await buildApp({ ctx, jwtSecret, logger, bodyLimit: opts.bodyLimit });
  await app.ready();
  const responses: string[] = [];
  const call: TestServer['call'] = async (method, url, o = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.headers ?? {}) },
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    responses.push(res.body);
    return res;
  };
  return {
    app,
    database,
    ctx,
    keyring,
    jwtSecret,
    logs,
    responses,
    call,
    async login(email = SUPER.email, password = SUPER.password) {
      const res = await call('POST', '/api/auth/login', { body: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    async close() {
      await app.close();
      await ctx.sync?.stop();
      await database.close();
    },
  };
}
