import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app';
import type { ServerConfig } from './config';
import type { AppContext } from './context';
import { loadJwtSecret } from './crypto/jwt-secret';
import { loadKeyring } from './crypto/keyring';
import { LoginLimiter } from './auth/login-limiter';
import { openDatabase, type Database } from './db/connect';
import { createLogger } from './logging';
import { builtInHandlers } from './providers';
import { seed, type SeedResult } from './seed';
import { SyncEngine } from './sync/engine';
import { createJobQueue } from './sync/job-queue';
import { WebhookTargetCache } from './webhooks/target-cache';
import { TokenBuckets } from './webhooks/rate-limit';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  sync: SyncEngine;
  url: string;
  seedResult: SeedResult;
  close(): Promise<void>;
}

function open(config: ServerConfig) {
  return openDatabase(config.databaseUrl ? { url: config.databaseUrl, preparedStatements: config.databasePreparedStatements } : { dataDir: join(config.dataDir, 'pglite') });
}

async function createContext(config: ServerConfig, database: Database, logger: Logger): Promise<AppContext> {
  const { keyring, notice } = loadKeyring({ env: config.encryptionKeys, dataDir: config.dataDir });
  if (notice) logger.warn(notice);
  const ctx: AppContext = {
    database,
    db: database.db,
    keyring,
    handlers: builtInHandlers(),
    loginLimiter: new LoginLimiter(),
    webhookLimiter: new TokenBuckets(config.webhookRatePerSecond, config.webhookBurst),
    webhookTargets: new WebhookTargetCache(),
  };
  ctx.sync = new SyncEngine(ctx, createJobQueue(database), logger, {
    concurrency: config.syncConcurrency,
    staleAfterMs: config.syncStaleAfterSeconds * 1000,
    // Heartbeats must come well within the stale limit.
    heartbeatMs: Math.min(5_000, (config.syncStaleAfterSeconds * 1000) / 3),
    schedulerIntervalMs: config.syncSchedulerIntervalSeconds * 1000,
    retryBaseMs: config.syncRetryBaseSeconds * 1000,
  });
  return ctx;
}

/**
 * Opens the database (PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR), seeds it, starts the
 * job queue (and, unless RUN_WORKER=false, the sync worker and scheduler) and listens.
 */
export interface StartOptions {
  logger?: Logger;
  /**
   * Listen without waiting for the job queue to start (it starts meanwhile; sync requests wait for it).
   * The console's Local workspace uses it to show its first screen sooner; a deployed server fails fast.
   */
  queueInBackground?: boolean;
  /** Serve /api/docs/json (default true). */
  openapi?: boolean;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const database = await open(config);
  try {
    const ctx = await createContext(config, database, logger);
    const jwt = loadJwtSecret(config.jwtSecret, config.dataDir);
    if (jwt.notice) logger.warn(jwt.notice);
    const seedResult = await seed(database.db, { adminEmail: config.adminEmail, adminPassword: config.adminPassword, adminName: config.adminName });
    if (seedResult.createdTemplates.length) logger.info({ templates: seedResult.createdTemplates }, 'seeded built-in templates');
    if (!opts.queueInBackground) await ctx.sync!.start({ worker: config.runWorker });
    const app = await buildApp({ ctx, jwtSecret: jwt.secret, logger, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy, openapi: opts.openapi });
    const url = await app.listen({ host: config.host, port: config.port });
    // In the background, the queue starts once the API listens: on PGlite its start-up statements (and the
    // workers' first polls) would otherwise queue in front of the server's own. No request is handled before
    // this line runs (it continues the listen promise before the event loop polls for connections).
    if (opts.queueInBackground) await ctx.sync!.start({ worker: config.runWorker, background: true });
    logger.info({ url, database: database.kind, worker: config.runWorker }, 'integrations API listening');
    return {
      app,
      database,
      sync: ctx.sync!,
      url,
      seedResult,
      close: async () => {
        await app.close();
        await ctx.sync!.stop();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

/** Job processing without the HTTP API (`npm run worker`), for deployments with several processes. */
export async function startWorker(config: ServerConfig, opts: { logger?: Logger } = {}): Promise<{ sync: SyncEngine; close(): Promise<void> }> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const database = await open(config);
  const ctx = await createContext(config, database, logger);
  await ctx.sync!.start({ worker: true });
  logger.info({ database: database.kind }, 'sync worker running');
  return {
    sync: ctx.sync!,
    close: async () => {
      await ctx.sync!.stop();
      await database.close();
    },
  };
}
