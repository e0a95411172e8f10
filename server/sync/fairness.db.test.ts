import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';
import { createGoHighLevelHandler } from '../providers/gohighlevel';
import { HandlerRegistry } from '../providers/registry';
import { QUEUES } from './job-queue';

/**
 * Subaccounts take turns in the sync queue: a bulk sync of one subaccount's integrations, requested
 * first, does not make another subaccount wait behind all of it. Checked on the order pg-boss hands the
 * jobs out (no worker runs here, so nothing is taken meanwhile).
 */
let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await createTestServer({ handlers: new HandlerRegistry().register(createGoHighLevelHandler()), sync: { worker: false } });
  token = (await s.login()).access_token;
});
afterAll(() => s?.close());

describe('sync queue fairness', () => {
  it('hands out the first run of each subaccount before the second run of any', async () => {
    const tpl = (await templateIds(s, token)).GoHighLevel;
    const big = await createSubAccount(s, token, 'Big Co');
    const small = await createSubAccount(s, token, 'Small Co');
    const later = await createSubAccount(s, token, 'Later Co');
    const ids = new Map<number, number>();
    const request = async (sub: number, name: string) => {
      const integration = await createGhlIntegration(s, token, sub, tpl, name);
      const res = await s.call('POST', `/api/integrations/${integration.id}/sync`, { token });
      expect(res.statusCode).toBe(202);
      ids.set(res.json().syncRunId, sub);
    };
    for (let i = 0; i < 6; i++) await request(big, `Big ${i}`);
    for (let i = 0; i < 2; i++) await request(small, `Small ${i}`);
    await request(later, 'Later 0');

    // One at a time, as the workers take them (a batch comes back in no particular order).
    const order: Array<number | undefined> = [];
    for (;;) {
      const [job] = (await s.ctx.sync!.queue.fetch<{ runId: number }>(QUEUES.sync, { batchSize: 1 })) ?? [];
      if (!job) break;
      order.push(ids.get(job.data.runId));
    }
    expect(order).toHaveLength(9);
    // Round one: one run from each subaccount (in request order), then round two, then Big's remainder.
    expect(order.slice(0, 3).sort()).toEqual([big, small, later].sort());
    expect(order.slice(3, 5).sort()).toEqual([big, small].sort());
    expect(order.slice(5)).toEqual([big, big, big, big]);
  });
});
