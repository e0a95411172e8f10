import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logging';
import { startServer, type RunningServer } from '../server/start';
import { BENCH_ADMIN } from './fixtures';
import { createPgDatabase, type DbKind } from './lib';

export interface BenchServer {
  server: RunningServer;
  token: string;
  call(method: string, url: string, body?: unknown): Promise<{ statusCode: number; json(): any; body: string }>;
  close(): Promise<void>;
}

/** The real server (server/start.ts) on a fresh PostgreSQL database or PGlite data folder, listening on a free port. */
export async function startBenchServer(kind: DbKind, env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loctelli-bench-'));
  const pgdb = kind === 'postgres' ? await createPgDatabase() : undefined;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    INTEGRATIONS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    RUN_WORKER: 'false',
    ...env,
  });
  // Request logging at info would print every request here; warn keeps the benchmark output readable.
  const server = await startServer(config, { logger: createLogger({ level: env.LOG_LEVEL ?? 'warn' }) });
  const call: BenchServer['call'] = async (method, url, body) =>
    server.app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
  let token = '';
  const login = await call('POST', '/api/auth/login', BENCH_ADMIN);
  if (login.statusCode !== 200) throw new Error(`login: ${login.body}`);
  token = login.json().access_token;
  return {
    server,
    token,
    call,
    async close() {
      await server.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
