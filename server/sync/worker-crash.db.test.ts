import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB_KIND } from '../../test-support/database';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, randomKeyringEnv, type TestServer } from '../../test-support/server';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { FAKE_LOCATION_ID, FAKE_VALID_TOKEN, startFakeGhl, type FakeGhl } from '../providers/gohighlevel/fake';
import { HandlerRegistry } from '../providers/registry';

/**
 * A real `npm run worker` process is killed with SIGKILL in the middle of a sync; a second worker process
 * resumes the run and the records end up complete and unduplicated. PostgreSQL only: PGlite is one process.
 */
const CONTACTS = 3000;
let s: TestServer;
let ghl: FakeGhl;
const keys = randomKeyringEnv('crash1');
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'worker'], {
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      DATABASE_URL: (s.database.pool as unknown as { options: { connectionString: string } }).options.connectionString,
      INTEGRATIONS_ENCRYPTION_KEYS: keys,
      GHL_API_BASE_URL: ghl.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'worker-')),
      SYNC_STALE_AFTER_SECONDS: '3',
      SYNC_SCHEDULER_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  workers.push(child);
  return child;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(TEST_DB_KIND !== 'postgres')('a worker killed mid-sync', () => {
  beforeAll(async () => {
    // 10 requests per second: the 30 contact pages take ~3 s, time enough to kill the worker midway.
    ghl = await startFakeGhl({ locations: [{ id: FAKE_LOCATION_ID, name: 'Acme Dental', contacts: CONTACTS }], rateLimit: { max: 10, intervalMs: 1000 } });
    s = await createTestServer({
      keyringEnv: keys,
      handlers: new HandlerRegistry().register(createGoHighLevelHandler({ baseUrl: ghl.url })),
      // This process only queues; the worker processes do the syncing.
      sync: { worker: false },
    });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await s?.close();
    await ghl?.close();
  });

  it('is resumed by another worker without duplicate records', async () => {
    const token = (await s.login()).access_token;
    const sub = await createSubAccount(s, token, 'Crash Co');
    const tpl = (await templateIds(s, token)).GoHighLevel;
    const created = (await s.call('POST', '/api/integrations', { token, body: { subAccountId: sub, integrationTemplateId: tpl, name: 'GHL', config: { apiKey: FAKE_VALID_TOKEN, locationId: FAKE_LOCATION_ID } } })).json();
    const { syncRunId } = (await s.call('POST', `/api/integrations/${created.id}/sync`, { token })).json();
    const count = async () => (await s.database.query<{ n: number }>('select count(*)::int as n from sync_records where integration_id = $1', [created.id]))[0].n;

    const first = startWorker();
    await until(count, (n) => n >= 500);
    first.kill('SIGKILL');
    const atKill = await count();
    expect(atKill).toBeLessThan(CONTACTS);
    const orphan = (await s.call('GET', `/api/sync-runs/${syncRunId}`, { token })).json();
    expect(orphan.status).toBe('running');

    startWorker();
    const run = await until(async () => (await s.call('GET', `/api/sync-runs/${syncRunId}`, { token })).json(), (r) => !!r.finishedAt, 90_000);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [{ n, distinct }] = await s.database.query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct external_id)::int as distinct from sync_records where integration_id = $1 and kind = 'contact'`,
      [created.id],
    );
    expect(n).toBe(CONTACTS);
    expect(distinct).toBe(CONTACTS);
  });
});
