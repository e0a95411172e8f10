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

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  seedResult: SeedResult;
  close(): Promise<void>;
}

/** Opens the database (PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR), seeds it and listens. */
export async function startServer(config: ServerConfig, opts: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') });
  try {
    const { keyring, notice } = loadKeyring({ env: config.encryptionKeys, dataDir: config.dataDir });
    if (notice) logger.warn(notice);
    const jwt = loadJwtSecret(config.jwtSecret, config.dataDir);
    if (jwt.notice) logger.warn(jwt.notice);
    const seedResult = await seed(database.db, { adminEmail: config.adminEmail, adminPassword: config.adminPassword, adminName: config.adminName });
    if (seedResult.createdTemplates.length) logger.info({ templates: seedResult.createdTemplates }, 'seeded built-in templates');
    const ctx: AppContext = { database, db: database.db, keyring, handlers: builtInHandlers(), loginLimiter: new LoginLimiter() };
    const app = await buildApp({ ctx, jwtSecret: jwt.secret, logger, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy });
    const url = await app.listen({ host: config.host, port: config.port });
    logger.info({ url, database: database.kind }, 'integrations API listening');
    return {
      app,
      database,
      url,
      seedResult,
      close: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}
