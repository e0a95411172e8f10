import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestMarketingApiVersion } from '../../shared/meta-api-versions';
import { createAdminSession, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, type TestServer } from '../../test-support/server';

/** POST /integration-templates/:id/api-version: a super_admin moves FacebookAds to a newer Marketing API version. */
let s: TestServer;
let token: string;
let adminToken: string;
let tpl: Record<string, number>;
beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
  tpl = await templateIds(s, token);
  adminToken = (await createAdminSession(s, token, 'plain-versions@loctelli.test', [await createSubAccount(s, token, 'V')])).token;
});
afterAll(() => s.close());

const move = (apiVersion: string, as = token, id = tpl.FacebookAds) => s.call('POST', `/api/integration-templates/${id}/api-version`, { token: as, body: { apiVersion } });

describe('moving a template to a newer Marketing API version', () => {
  it('moves an expired template to the current version, audited; admins get 403', async () => {
    // A database seeded before this version table: the template still on v21.0.
    await s.database.query(`update integration_templates set api_version = 'v21.0' where id = $1`, [tpl.FacebookAds]);
    expect((await move('v27.0', adminToken)).statusCode).toBe(403);
    const latest = latestMarketingApiVersion(new Date()).version;
    const res = await move(latest);
    expect(res.statusCode).toBe(200);
    expect(res.json().apiVersion).toBe(latest);
    const audit = (await s.call('GET', `/api/audit-log?entity=template&entityId=${tpl.FacebookAds}`, { token })).json();
    expect(audit.items[0].summary).toBe(`Moved template "Facebook Advertising" from Marketing API v21.0 to ${latest}`);
  });

  it('refuses expired, unknown, older or same versions with the field path and what is allowed', async () => {
    await s.database.query(`update integration_templates set api_version = 'v25.0' where id = $1`, [tpl.FacebookAds]);
    for (const v of ['v24.0', 'v25.0', 'v99.0']) {
      const res = await move(v);
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ path: '/body/apiVersion', message: expect.stringContaining('newer than v25.0 (one of ') }]);
    }
    const bad = await move('27');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('/body/apiVersion');
  });

  it('answers 422 for a template without a version table', async () => {
    expect((await move('v27.0', token, tpl.GoHighLevel)).statusCode).toBe(422);
  });
});
