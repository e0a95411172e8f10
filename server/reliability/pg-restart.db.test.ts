import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DB_KIND } from '../../test-support/database';
import { randomKeyringEnv } from '../../test-support/server';
import { TcpProxy } from '../../test-support/tcp-proxy';
import type { Database } from '../db/connect';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl } from '../providers/gohighlevel/fake';

/**
 * PostgreSQL restarting while the API is syncing, seen from a real `npm run server` process: a TCP proxy sits
 * between that process and PostgreSQL. The shared server itself cannot be restarted (other test files use it), so
 * the restart is reproduced as the server process experiences one: every backend of the process is terminated by
 * PostgreSQL (FATAL 57P01 "terminating connection due to administrator command", what a shutdown sends), whatever is
 * still open is reset (ECONNRESET), and new connections are refused (ECONNREFUSED) for a few seconds.
 *
 * Two faults hit one GoHighLevel sync, each while a database write of the sync is in flight (held on a table lock
 * so that the moment is deterministic):
 *  1. connections terminated, the database immediately reachable again (a fast restart, a failover behind a
 *     pooler): the attempt fails with a database error and is retried;
 *  2. a restart with the database away for a few seconds, with an API transaction also in flight: the process
 *     stays up, the API answers 503 meanwhile and recovers by itself, the run is resumed and succeeds.
 * The records end complete and unduplicated.
 */
const CONTACTS = 4000;
const OUTAGE_MS = 4000;
const APP = 'loctelli-pg-restart-sut';
const ADMIN = { email: 'restart@loctelli.test', password: 'restart-password-123' };

let database: Database;
let proxy: TcpProxy;
let ghl: FakeGhl;
let child: ChildProcess | undefined;
let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
let dataDir: string;
let base = '';
const output: string[] = [];

/** The server process's last output lines, without the per-request log lines. */
function tail(n = 40) {
  const lines = output.join('').split('\n').filter((l) => !/"msg":"(incoming request|request completed)"/.test(l));
  return lines.slice(-n).join('\n').slice(-12_000);
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    if (exited) throw new Error(`the server process exited (${JSON.stringify(exited)}) while waiting for ${what}\n${tail()}`);
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)} ${lastError ? String(lastError) : ''}\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One HTTP call to the server under test; a call that does not answer within 10 s fails the test (a hang). */
async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${base}/api${path}`, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    text = await res.text();
  } catch (err) {
    // Give the process a moment to report its exit, then say what happened to it.
    await new Promise((r) => setTimeout(r, 200));
    throw new Error(`${method} ${path}: ${String(err)} ${String((err as Error).cause ?? '')}; server process ${exited ? `exited ${JSON.stringify(exited)}` : 'alive'}\n${tail()}`);
  }
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** A 503 in the API's standard error shape, saying what is wrong and leaking nothing (no stack, no SQL). */
function expectUnavailable(res: { status: number; json: any; text: string }) {
  expect(res.status, res.text).toBe(503);
  expect(Object.keys(res.json).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(res.json).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/i) });
  expect(res.text).not.toMatch(/Failed query|\bat .*\.(ts|js):\d+|ECONN|57P01|insert into|select /i);
}

/** The server process's own backends, as PostgreSQL sees them (its connections carry application_name APP). */
async function backends(where = 'true') {
  return database.query<{ pid: number; wait_event_type: string | null; query: string }>(
    `select pid, wait_event_type, query from pg_stat_activity where datname = current_database() and application_name = $1 and ${where}`,
    [APP],
  );
}

/** What a PostgreSQL shutdown does to the process's connections: FATAL 57P01 on each, then nothing is left open. */
async function terminateBackends(): Promise<number> {
  const rows = await database.query<{ ok: boolean }>(
    `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and application_name = $1`,
    [APP],
  );
  return rows.filter((r) => r.ok).length;
}

/** Holds locks in a transaction of its own, so that the server's next write waits (is in flight) when the fault hits. */
async function lockTables(statements: string[]): Promise<pg.Client> {
  const locker = new pg.Client({ connectionString: (database.pool as unknown as { options: { connectionString: string } }).options.connectionString });
  locker.on('error', () => {});
  await locker.connect();
  try {
    await locker.query('begin');
    for (const s of statements) await locker.query(s);
  } catch (err) {
    await locker.end();
    throw err;
  }
  return locker;
}

async function records(integrationId: number) {
  const [r] = await database.query<{ n: number; distinct: number; contacts: number }>(
    `select count(*)::int as n, count(distinct (kind, external_id))::int as distinct, count(*) filter (where kind = 'contact')::int as contacts
       from sync_records where integration_id = $1`,
    [integrationId],
  );
  return r;
}

describe.skipIf(TEST_DB_KIND !== 'postgres')('PostgreSQL restarting during a sync (the server is a separate process behind a TCP proxy)', () => {
  beforeAll(async () => {
    // 10 requests per second: the 40 contact pages take ~4 s per attempt, time enough to hit the sync twice.
    ghl = await startFakeGhl({ locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts: CONTACTS }], rateLimit: { max: 10, intervalMs: 1000 } });
    database = await createTestDatabase();
    const direct = new URL((database.pool as unknown as { options: { connectionString: string } }).options.connectionString);
    proxy = await new TcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }).accept();
    const viaProxy = new URL(direct);
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('application_name', APP);
    dataDir = mkdtempSync(join(tmpdir(), 'pg-restart-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve'], {
      cwd: join(__dirname, '..', '..'),
      env: {
        ...process.env,
        DATABASE_URL: viaProxy.toString(),
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        INTEGRATIONS_ENCRYPTION_KEYS: randomKeyringEnv('restart1'),
        JWT_SECRET: randomBytes(32).toString('hex'),
        GHL_API_BASE_URL: ghl.url,
        SYNC_STALE_AFTER_SECONDS: '3',
        SYNC_SCHEDULER_INTERVAL_SECONDS: '1',
        SYNC_RETRY_BASE_SECONDS: '1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.on('exit', (code, signal) => (exited = { code, signal }));
    child.stderr!.on('data', (d) => output.push(String(d)));
    base = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child!.stdout!.on('data', (d) => {
        output.push(String(d));
        buffered += String(d);
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"integrations API listening"/.exec(buffered);
        if (m) resolve(m[1]);
      });
      child!.on('exit', () => reject(new Error(`the server process exited before listening\n${tail()}`)));
      setTimeout(() => reject(new Error(`the server process did not start\n${tail()}`)), 60_000).unref();
    });
  });

  afterAll(async () => {
    if (child && !exited) child.kill('SIGKILL');
    await proxy?.close();
    await ghl?.close();
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the process up, answers 503 while the database is away, recovers by itself and completes the sync without duplicates', async () => {
    const token = (await call('POST', '/auth/login', { body: ADMIN })).json.access_token as string;
    expect(token).toBeTruthy();
    const sub = (await call('POST', '/subaccounts', { token, body: { name: 'Restart Co' } })).json.id as number;
    const templates = (await call('GET', '/integration-templates', { token })).json as Array<{ id: number; name: string }>;
    const tpl = templates.find((t) => t.name === 'GoHighLevel')!.id;
    const created = await call('POST', '/integrations', {
      token,
      body: { subAccountId: sub, integrationTemplateId: tpl, name: 'GHL', config: { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID } },
    });
    expect(created.status, created.text).toBe(201);
    const integrationId = created.json.id as number;
    const requested = await call('POST', `/integrations/${integrationId}/sync`, { token });
    expect(requested.status, requested.text).toBe(202);
    const runId = requested.json.syncRunId as number;
    const run = async () => (await call('GET', `/sync-runs/${runId}`, { token })).json;

    // 1. A fast restart while a page of contacts is being written: the connections are terminated, the database
    //    is back at once. The attempt fails with a database error and is retried; it must not end the run.
    await until('the first contacts', () => records(integrationId), (r) => r.contacts >= 300, 30_000);
    let locker = await lockTables(['lock table sync_records in exclusive mode']);
    try {
      await until('the sync waiting on the lock', () => backends(`wait_event_type = 'Lock'`), (rows) => rows.some((r) => /sync_records/.test(r.query)), 10_000);
      expect(await terminateBackends()).toBeGreaterThan(0);
    } finally {
      await locker.end();
    }
    const retried = await until('a second attempt', run, (r) => r.attempts >= 2 || !!r.finishedAt, 20_000);
    expect(retried, `the failed attempt is retried, not the end of the run: ${retried.status} ${JSON.stringify(retried.error)}`).toMatchObject({ attempts: 2, finishedAt: null });
    // Recorded as a retry right away (not left 'running' until its heartbeat goes stale), with a clear error.
    expect(retried.error, 'the failed attempt is recorded with its error').toMatchObject({ type: 'database_unavailable', retryable: true, message: expect.stringMatching(/database/i) });
    expect(JSON.stringify(retried.error)).not.toMatch(/Failed query|insert into/i);

    // 2. A restart with the database away for a few seconds, hitting a sync write and an API transaction in flight.
    const requestsAtRetry = ghl.state.requests.length;
    await until('the second attempt under way', async () => ghl.state.requests.length, (n) => n >= requestsAtRetry + 5, 20_000);
    locker = await lockTables(['lock table sync_records in exclusive mode', `select id from sub_accounts where id = ${sub} for update`]);
    let inFlight: Promise<Awaited<ReturnType<typeof call>> | Error>;
    try {
      inFlight = call('PUT', `/subaccounts/${sub}`, { token, body: { description: 'edited while the database restarts' } }).catch((err: Error) => err);
      await until('a sync write and an API transaction in flight', () => backends(`wait_event_type = 'Lock'`), (rows) => rows.some((r) => /sync_records/.test(r.query)) && rows.some((r) => /sub_accounts/.test(r.query)), 10_000);
      await proxy.refuse();
      expect(await terminateBackends()).toBeGreaterThan(0);
      // A shutdown leaves nothing open: whatever the terminations did not close yet is reset.
      await until('the terminated connections to close', async () => proxy.open, (n) => n === 0, 1_000).catch(() => {});
      proxy.resetAll();
    } finally {
      await locker.end();
    }
    const downSince = Date.now();

    // While the database is away: clear 503s, no hang, and the process stays up.
    const interrupted = await inFlight!;
    if (interrupted instanceof Error) throw interrupted;
    expectUnavailable(interrupted);
    const health = await call('GET', '/health');
    expect(health.status, health.text).toBe(503);
    expect(health.json).toMatchObject({ status: 'unavailable', database: 'postgres' });
    expectUnavailable(await call('GET', `/sync-runs/${runId}`, { token }));
    expectUnavailable(await call('GET', `/integrations/${integrationId}`, { token }));
    // The workers, the scheduler and pg-boss keep failing against the refused database meanwhile.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downSince))));
    expect(exited, `the server process died while the database was away\n${tail()}`).toBeNull();
    expectUnavailable(await call('GET', `/sync-runs/${runId}`, { token }));

    // The database is back: the API recovers by itself, without a restart.
    await proxy.accept();
    await until('health to answer 200', () => call('GET', '/health'), (r) => r.status === 200, 20_000);
    await until('an authenticated route to answer 200', () => call('GET', `/integrations/${integrationId}`, { token }), (r) => r.status === 200, 20_000);
    const edited = await call('PUT', `/subaccounts/${sub}`, { token, body: { description: 'edited after the restart' } });
    expect(edited.status, edited.text).toBe(200);

    // The interrupted run is resumed (its heartbeat went stale) and completes; nothing is left 'running'.
    const done = await until('the run to finish', run, (r) => !!r.finishedAt, 45_000);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'succeeded', error: null });
    expect(done.attempts).toBeGreaterThanOrEqual(3);
    const [{ active }] = await database.query<{ active: number }>(`select count(*)::int as active from sync_runs where status in ('queued', 'running')`);
    expect(active).toBe(0);
    const r = await records(integrationId);
    expect(r.contacts).toBe(CONTACTS);
    expect(r.n).toBe(r.distinct);
    expect(exited).toBeNull();

    // And it still shuts down cleanly.
    const exit = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 20_000))]);
    expect(exited, tail()).toEqual({ code: 0, signal: null });
  });
});
