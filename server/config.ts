import { resolve } from 'node:path';

/** Server settings, all from the environment (see README "Configuration"). */
export interface ServerConfig {
  host: string;
  port: number;
  databaseUrl?: string;
  /** Named prepared statements on PostgreSQL for the hottest statements; off behind a PgBouncer < 1.21 in transaction mode. */
  databasePreparedStatements: boolean;
  dataDir: string;
  adminEmail?: string;
  adminPassword?: string;
  adminName?: string;
  encryptionKeys?: string;
  jwtSecret?: string;
  logLevel: string;
  bodyLimit: number;
  trustProxy: boolean;
  /** Process sync and webhook jobs in this process too (`npm run server`); `npm run worker` runs only that. */
  runWorker: boolean;
  webhookRatePerSecond: number;
  webhookBurst: number;
  syncConcurrency: number;
  /** A running sync whose worker has not reported for this long is handed to another worker. */
  syncStaleAfterSeconds: number;
  syncSchedulerIntervalSeconds: number;
  /** First delay before a failed sync attempt is retried (then doubling, with jitter). */
  syncRetryBaseSeconds: number;
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS !== 'false',
    dataDir: resolve(env.DATA_DIR || './.data'),
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    adminName: env.ADMIN_NAME || undefined,
    encryptionKeys: env.INTEGRATIONS_ENCRYPTION_KEYS || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: int(env, 'BODY_LIMIT_BYTES', 512 * 1024, 1024, 50 * 1024 * 1024),
    trustProxy: env.TRUST_PROXY === 'true',
    runWorker: env.RUN_WORKER !== 'false',
    webhookRatePerSecond: int(env, 'WEBHOOK_RATE_PER_SECOND', 50, 1, 100000),
    webhookBurst: int(env, 'WEBHOOK_BURST', 500, 1, 1000000),
    syncConcurrency: int(env, 'SYNC_CONCURRENCY', 2, 1, 64),
    syncStaleAfterSeconds: int(env, 'SYNC_STALE_AFTER_SECONDS', 90, 2, 86400),
    syncSchedulerIntervalSeconds: int(env, 'SYNC_SCHEDULER_INTERVAL_SECONDS', 30, 1, 3600),
    syncRetryBaseSeconds: int(env, 'SYNC_RETRY_BASE_SECONDS', 30, 1, 3600),
  };
}
