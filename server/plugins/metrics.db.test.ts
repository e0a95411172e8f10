import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
});
afterAll(() => s.close());

describe('metrics', () => {
  it('computes the success metrics from a known data set', async () => {
    const tpl = (await templateIds(s, token)).GoHighLevel;
    const subA = await createSubAccount(s, token, 'M A');
    const subB = await createSubAccount(s, token, 'M B');
    const a = await createGhlIntegration(s, token, subA, tpl, 'a');
    const b = await createGhlIntegration(s, token, subB, tpl, 'b');
    await createGhlIntegration(s, token, subB, tpl, 'never verified');
    await s.database.query(`update integrations set status = 'active', is_active = true, last_sync_at = now() where id = $1`, [a.id]);
    await s.database.query(`update integrations set status = 'error' , last_sync_at = now() - interval '1 day' where id = $1`, [b.id]);
    // a: 3 successes and a failure recovered 90 minutes later; b: a failure 10 days ago, and one recovered after 30 minutes.
    const run = (id: number, status: string, finishedAgo: string) =>
      s.database.query(`insert into sync_runs (integration_id, trigger, status, started_at, finished_at, attempts) values ($1, 'manual', $2, now() - interval '${finishedAgo}' - interval '1 minute', now() - interval '${finishedAgo}', 1)`, [id, status]);
    await run(a.id, 'succeeded', '3 hours');
    await run(a.id, 'failed', '2 hours');
    await run(a.id, 'succeeded', '30 minutes');
    await run(a.id, 'succeeded', '10 minutes');
    await run(b.id, 'failed', '5 hours');
    await run(b.id, 'succeeded', '4 hours 30 minutes');
    await run(b.id, 'failed', '10 days');
    await s.database.query(`insert into sync_records (integration_id, kind, external_id, data) select $1, 'contact', g::text, '{}' from generate_series(1, 14) g`, [a.id]);

    const m = (await s.call('GET', '/api/metrics', { token })).json();
    expect(m.setupSuccessRate).toBeCloseTo(2 / 3);
    expect(m.syncReliability7d).toBeCloseTo(4 / 6);
    expect(m.syncReliability30d).toBeCloseTo(4 / 7);
    // Subaccounts: the seeded default, M A (adopted), M B.
    expect(m.adoption).toBeCloseTo(1 / 3);
    // Recoveries: 90 min (a), 30 min (b), and b's failure 10 days ago recovered ~9.8 days later → median 90.
    expect(m.medianRecoveryMinutes).toBeCloseTo(90, 0);
    const perA = m.perIntegration.find((p: { integrationId: number }) => p.integrationId === a.id);
    expect(perA).toMatchObject({ runs30d: 4, successRate30d: 0.75, recordsPerDay: 2, lastRunStatus: 'succeeded' });
    expect(m.dailyRuns).toHaveLength(14);
    expect(m.dailyRuns.reduce((n: number, d: { succeeded: number }) => n + d.succeeded, 0)).toBe(4);

    const onlyA = (await s.call('GET', `/api/metrics?subAccountId=${subA}`, { token })).json();
    expect(onlyA.syncReliability30d).toBeCloseTo(3 / 4);
    expect(onlyA.adoption).toBe(1);
    expect(onlyA.perIntegration).toHaveLength(1);
  });
});
