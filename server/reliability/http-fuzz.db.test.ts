import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpAllText } from '../../test-support/database';
import { generateCases, operationsFromOpenApi, type FuzzCase, type Operation } from '../../test-support/reliability/openapi-fuzz';
import { Prng } from '../../test-support/reliability/prng';
import { createWorld, idsFor, type World } from '../../test-support/reliability/world';

/**
 * Every HTTP route, read from the API's OpenAPI document, gets ≥ 1,000 generated malformed requests (as a
 * super_admin, and one in five as an admin of subaccount A): each answers a 4xx with the error shape (never a
 * 5xx), and a before/after text dump of the whole database shows nothing stored changed, audit log included.
 */
const PER_ROUTE = 1_000;
const SEED = 0x10c7e11;

let w: World;
let ops: Operation[];

beforeAll(async () => {
  w = await createWorld();
  ops = operationsFromOpenApi((await w.s.call('GET', '/api/docs/json')).json());
});
afterAll(() => w?.close());

const BODILESS_SIDE_EFFECT = (op: Operation) => !op.body && op.method !== 'GET';

function bodiesFor(w: World): Record<string, unknown> {
  return {
    'POST /api/integrations': { subAccountId: w.subA, integrationTemplateId: w.ghlTemplateId, name: 'fuzzed', config: {} },
    'PUT /api/integrations/{id}': { version: 1, name: 'fuzzed' },
    'POST /api/integration-templates': { name: 'Fuzzed', displayName: 'Fuzzed', category: 'Other', configSchema: { type: 'object' } },
    'POST /api/integration-templates/{id}/test': { config: {} },
    'POST /api/admins': { name: 'Fuzzed', email: 'fuzzed@loctelli.test', password: 'fuzzed-password-1' },
    'POST /api/auth/login': { email: 'root@loctelli.test', password: 'x' },
  };
}

function expectErrorShape(c: FuzzCase, res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  const where = `${c.method} ${c.url.slice(0, 160)} [${c.label}] → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (c.expect === 'reject') expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type']), where).toMatch(/^application\/json/);
    const body = JSON.parse(res.body);
    expect(body, where).toMatchObject({ statusCode: res.statusCode, error: expect.any(String), message: expect.any(String) });
    expect(res.body, where).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|stack/);
  }
}

async function send(c: FuzzCase, token: string | undefined) {
  return w.s.app.inject({
    method: c.method as 'GET',
    url: c.url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...c.headers },
    ...(c.payload !== undefined ? { payload: c.payload } : {}),
  });
}

describe('HTTP fuzzing from the OpenAPI document', () => {
  it('covers every route of the API', () => {
    expect(ops.length).toBeGreaterThanOrEqual(38);
  });

  it(`answers ${PER_ROUTE} malformed requests per route with a 4xx and changes nothing stored`, { timeout: 600_000 }, async () => {
    const r = new Prng(SEED);
    const stats: string[] = [];
    let total = 0;
    for (const op of ops) {
      const cases = generateCases(op, PER_ROUTE, r.seed(), {
        ids: idsFor(op.path, w, w.a),
        bodies: bodiesFor(w),
        sideEffectWithoutBody: BODILESS_SIDE_EFFECT,
      });
      const before = await dumpAllText(w.s.database);
      const t0 = performance.now();
      const statuses = new Map<number, number>();
      // Four requests in flight at a time; one in five as the admin of subaccount A.
      for (let i = 0; i < cases.length; i += 4) {
        const chunk = cases.slice(i, i + 4);
        const results = await Promise.all(chunk.map((c, j) => send(c, op.public ? undefined : (i + j) % 5 === 4 ? w.admin.token : w.superToken)));
        results.forEach((res, j) => {
          expectErrorShape(chunk[j], res);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        });
      }
      expect(await dumpAllText(w.s.database), `${op.key}: stored data changed`).toBe(before);
      total += cases.length;
      stats.push(`${op.key} (${Math.round(performance.now() - t0)} ms): ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(' ')}`);
    }
    expect(total).toBeGreaterThanOrEqual(ops.length * PER_ROUTE);
    // The API kept serving throughout.
    expect((await w.s.call('GET', '/api/health')).statusCode).toBe(200);
    expect((await w.s.call('GET', `/api/integrations/${w.a.integrationId}`, { token: w.superToken })).statusCode).toBe(200);
    if (process.env.FUZZ_STATS) console.log(stats.join('\n'));
  });

  it('refuses text with NUL characters (PostgreSQL cannot store them) with a 400, not a 500', async () => {
    const before = await dumpAllText(w.s.database);
    const nul = 'evil\u0000name';
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/subaccounts', { name: nul }],
      ['PUT', `/api/subaccounts/${w.subA}`, { description: nul }],
      ['POST', '/api/admins', { name: nul, email: 'nul@loctelli.test', password: 'nul-password-123' }],
      ['PUT', `/api/admins/${w.admin.id}`, { name: nul }],
      ['POST', '/api/integration-templates', { name: 'NulTpl', displayName: nul, category: 'X', configSchema: { type: 'object' } }],
      ['PUT', `/api/integration-templates/${w.customTemplateId}`, { setupInstructions: nul }],
      ['POST', '/api/integrations', { subAccountId: w.subA, integrationTemplateId: w.customTemplateId, name: nul, config: {} }],
      ['POST', '/api/integrations', { subAccountId: w.subA, integrationTemplateId: w.customTemplateId, name: 'n', config: { url: nul } }],
      ['POST', '/api/integrations', { subAccountId: w.subA, integrationTemplateId: w.customTemplateId, name: 'n', config: { [nul]: 1 } }],
      ['PUT', `/api/integrations/${w.a.integrationId}`, { version: 1, description: nul }],
      ['POST', `/api/integration-templates/${w.customTemplateId}/test`, { config: { url: nul } }],
    ];
    for (const [method, url, body] of writes) {
      const res = await w.s.call(method, url, { token: w.superToken, body });
      expect(res.statusCode, `${method} ${url} ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url} ${res.body}`).toBeLessThan(500);
      expect(res.json()).toMatchObject({ statusCode: res.statusCode, error: expect.any(String), message: expect.any(String) });
    }
    for (const url of ['/api/integrations?q=%00', '/api/integration-templates?category=a%00b', `/api/integrations/${w.a.integrationId}/records?kind=%00`]) {
      const res = await w.s.call('GET', url, { token: w.superToken });
      expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(500);
    }
    expect(await dumpAllText(w.s.database)).toBe(before);
  });
});
