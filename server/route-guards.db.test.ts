import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminSession, createSubAccount } from '../test-support/fixtures';
import { createTestServer, type TestServer } from '../test-support/server';

/** Every route of the API, read from its own OpenAPI document: anonymous callers and wrong roles are refused. */
let s: TestServer;
let routes: Array<{ method: string; url: string; superOnly: boolean }>;
let adminToken: string;
const PUBLIC = new Set(['POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/auth/logout', 'GET /api/health', 'GET /api/webhooks/{integrationId}', 'POST /api/webhooks/{integrationId}']);
const SUPER_ONLY = /^(POST|PUT|DELETE) \/api\/(subaccounts|integration-templates)(\/\{id\})?$|^(GET|POST|PUT) \/api\/admins/;

beforeAll(async () => {
  s = await createTestServer();
  const superToken = (await s.login()).access_token;
  const sub = await createSubAccount(s, superToken, 'Guarded');
  adminToken = (await createAdminSession(s, superToken, 'guard@loctelli.test', [sub])).token;
  const doc = (await s.call('GET', '/api/docs/json')).json();
  routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => {
      const method = m.toUpperCase();
      const key = `${method} ${path}`;
      return { method, url: path.replace(/\{[^}]+\}/g, '1'), superOnly: SUPER_ONLY.test(key), key };
    }).filter((r) => !PUBLIC.has(r.key)),
  );
});
afterAll(() => s.close());

describe('route guards', () => {
  it('covers the API', () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  it('answers 401 to every protected route without a token, before looking at the body', async () => {
    for (const r of routes) {
      const res = await s.call(r.method, r.url, { body: r.method === 'GET' || r.method === 'DELETE' ? undefined : { unexpected: true } });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('answers 403 to an admin on every super_admin route', async () => {
    const superRoutes = routes.filter((r) => r.superOnly);
    expect(superRoutes.length).toBeGreaterThanOrEqual(9);
    for (const r of superRoutes) {
      const res = await s.call(r.method, r.url, { token: adminToken, body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
    }
  });
});
