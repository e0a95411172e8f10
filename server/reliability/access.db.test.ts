import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpAllText } from '../../test-support/database';
import { craftJwt } from '../../test-support/jwt';
import { operationsFromOpenApi, type Operation } from '../../test-support/reliability/openapi-fuzz';
import { sampleValid } from '../../test-support/sample-valid';
import { createWorld, idsFor, type World } from '../../test-support/reliability/world';
import { SUPER } from '../../test-support/server';

/**
 * Access control over every route of the OpenAPI document: an admin of subaccount A aimed at subaccount B's
 * real resources gets a 404 (403 on super_admin routes) and sees none of B's data; forged, expired and
 * `alg: none` tokens and a replayed refresh token get a 401 on every protected route. Nothing stored changes.
 */
let w: World;
let ops: Operation[];
const PUBLIC = new Set(['POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/auth/logout', 'GET /api/health', 'GET /api/webhooks/{integrationId}', 'POST /api/webhooks/{integrationId}']);
const SUPER_ONLY = /^(POST|PUT|DELETE) \/api\/(subaccounts|integration-templates)(\/\{id\})?$|^POST \/api\/integration-templates\/\{id\}\/api-version$|^(GET|POST|PUT) \/api\/admins/;
/** Routes about the shared template catalog or the caller: no subaccount to cross. */
const SHARED = new Set(['GET /api/auth/me', 'GET /api/integration-templates', 'GET /api/integration-templates/{id}', 'POST /api/integration-templates/{id}/test']);

beforeAll(async () => {
  w = await createWorld();
  ops = operationsFromOpenApi((await w.s.call('GET', '/api/docs/json')).json()).filter((o) => !PUBLIC.has(o.key));
});
afterAll(() => w?.close());

/** A request that would succeed against the caller's own resource: only the target is wrong. */
function requestFor(op: Operation, ids: Record<string, number>, sub: number) {
  let url = op.path.replace(/\{([^}]+)\}/g, (_, n) => String(ids[n]));
  if (op.queryParams.some((p) => p.name === 'subAccountId')) url += `?subAccountId=${sub}`;
  const bodies: Record<string, unknown> = {
    'PUT /api/integrations/{id}': { version: 1, name: 'hijacked', config: { apiKey: '__LOCTELLI_SECRET_SET__', locationId: 'LocHijack1' } },
    'POST /api/integrations': { subAccountId: sub, integrationTemplateId: w.ghlTemplateId, name: 'planted', config: { apiKey: 'pit-planted-0000000', locationId: 'LocPlanted1' } },
    'PUT /api/subaccounts/{id}': { name: 'hijacked' },
    'POST /api/subaccounts': { name: 'planted' },
    'PUT /api/admins/{id}': { role: 'super_admin' },
    'POST /api/admins': { name: 'planted', email: 'planted@loctelli.test', password: 'planted-password-1', role: 'super_admin', subAccountIds: [sub] },
    'POST /api/integration-templates': { name: 'Planted', displayName: 'Planted', category: 'X', configSchema: { type: 'object' } },
    'PUT /api/integration-templates/{id}': { displayName: 'hijacked' },
    'POST /api/integration-templates/{id}/test': { config: { url: 'x' } },
  };
  const body = bodies[op.key] ?? (op.body ? sampleValid(op.body) : undefined);
  return { url, body };
}

describe('an admin of subaccount A against every route of subaccount B', () => {
  it('answers 404 (403 on super_admin routes), leaks none of B, and changes nothing', async () => {
    const before = await dumpAllText(w.s.database);
    const bMarkers = ['Beta GHL', 'Beta Fuzz', `"subAccountId":${w.subB}`];
    let crossed = 0;
    for (const op of ops) {
      const { url, body } = requestFor(op, idsFor(op.path, w, w.b), w.subB);
      const res = await w.s.call(op.method, url, { token: w.admin.token, body });
      const where = `${op.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (SUPER_ONLY.test(op.key)) expect(res.statusCode, where).toBe(403);
      else if (op.pathParams.length && !SHARED.has(op.key)) {
        expect(res.statusCode, where).toBe(404);
        expect(res.json(), where).toMatchObject({ statusCode: 404, error: 'Not Found' });
        crossed++;
      } else if (op.key === 'POST /api/integrations') expect(res.statusCode, where).toBe(404);
      else expect(res.statusCode, where).toBeLessThan(500);
      for (const m of bMarkers) expect(res.body.includes(m), `${where} leaks ${m}`).toBe(false);
    }
    expect(crossed).toBeGreaterThanOrEqual(13);
    expect(await dumpAllText(w.s.database)).toBe(before);
  });

  it('the same requests on its own subaccount succeed (so the 404s above are about scope, not the request)', async () => {
    for (const key of ['GET /api/integrations/{id}', 'GET /api/sync-runs/{id}', 'GET /api/integrations/{id}/records', 'GET /api/integrations/{id}/webhook-events', 'GET /api/subaccounts/{id}']) {
      const op = ops.find((o) => o.key === key)!;
      const { url } = requestFor(op, idsFor(op.path, w, w.a), w.subA);
      const res = await w.s.call(op.method, url, { token: w.admin.token });
      expect(res.statusCode, `${key} ${res.body}`).toBe(200);
    }
    const list = (await w.s.call('GET', '/api/integrations', { token: w.admin.token })).json();
    expect(list.items.map((i: { subAccountId: number }) => i.subAccountId)).toEqual([w.subA]);
  });
});

describe('forged and stale credentials on every protected route', () => {
  it('answers 401 to expired, tampered, alg:none, wrongly signed and non-access tokens, changing nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const superId = Number((await w.s.call('GET', '/api/auth/me', { token: w.superToken })).json().id);
    const [head, payload, sig] = w.admin.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const reencode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const { refresh_token } = await w.s.login();
    const tokens: Record<string, string> = {
      expired: craftJwt({ sub: String(superId), typ: 'access', role: 'super_admin', iat: now - 3600, exp: now - 60 }, { secret: w.s.jwtSecret }),
      'not yet valid': craftJwt({ sub: String(superId), typ: 'access', iat: now, nbf: now + 3600, exp: now + 7200 }, { secret: w.s.jwtSecret }),
      'tampered sub (admin → super_admin, signature kept)': `${head}.${reencode({ ...claims, sub: String(superId), role: 'super_admin' })}.${sig}`,
      'tampered signature': `${head}.${payload}.${sig.slice(0, -4)}${sig.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
      'alg none': craftJwt({ sub: String(superId), typ: 'access', role: 'super_admin', iat: now, exp: now + 600 }, { alg: 'none' }),
      'alg none with the real signature': `${reencode({ alg: 'none', typ: 'JWT' })}.${payload}.${sig}`,
      'HS256 with another secret': craftJwt({ sub: String(superId), typ: 'access', iat: now, exp: now + 600 }, { secret: 'guessed-secret' }),
      'refresh typ': craftJwt({ sub: String(superId), typ: 'refresh', iat: now, exp: now + 600 }, { secret: w.s.jwtSecret }),
      'no typ': craftJwt({ sub: String(superId), iat: now, exp: now + 600 }, { secret: w.s.jwtSecret }),
      'unknown admin': craftJwt({ sub: '999999', typ: 'access', iat: now, exp: now + 600 }, { secret: w.s.jwtSecret }),
      'non-numeric sub': craftJwt({ sub: '1 or 1=1', typ: 'access', iat: now, exp: now + 600 }, { secret: w.s.jwtSecret }),
      'object sub': craftJwt({ sub: { id: superId }, typ: 'access', iat: now, exp: now + 600 }, { secret: w.s.jwtSecret }),
      'refresh token as bearer': refresh_token,
      garbage: 'not.a.jwt',
      empty: '',
    };
    const before = await dumpAllText(w.s.database);
    let checked = 0;
    for (const op of ops) {
      const { url, body } = requestFor(op, idsFor(op.path, w, w.a), w.subA);
      for (const [name, token] of Object.entries(tokens)) {
        const res = await w.s.app.inject({ method: op.method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
        expect(res.statusCode, `${name}: ${op.method} ${url} → ${res.body}`).toBe(401);
        expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
        checked++;
      }
      for (const header of ['Basic cm9vdDpwdw==', `bearer  ${w.superToken}x`, w.superToken, `Bearer ${w.superToken}.extra`]) {
        const res = await w.s.app.inject({ method: op.method as 'GET', url, headers: { authorization: header }, ...(body !== undefined ? { payload: body as object } : {}) });
        expect(res.statusCode, `${header.slice(0, 20)}: ${op.method} ${url}`).toBe(401);
      }
    }
    expect(checked).toBe(ops.length * Object.keys(tokens).length);
    expect(await dumpAllText(w.s.database)).toBe(before);
  });

  it('a deactivated admin\'s still-unexpired access token is refused on every route', async () => {
    const res = await w.s.call('POST', '/api/admins', { token: w.superToken, body: { name: 'Leaver', email: 'leaver@loctelli.test', password: 'leaver-password-1', subAccountIds: [w.subA] } });
    const leaver = await w.s.login('leaver@loctelli.test', 'leaver-password-1');
    expect((await w.s.call('PUT', `/api/admins/${res.json().id}`, { token: w.superToken, body: { isActive: false } })).statusCode).toBe(200);
    const before = await dumpAllText(w.s.database);
    for (const op of ops) {
      const { url, body } = requestFor(op, idsFor(op.path, w, w.a), w.subA);
      const r = await w.s.call(op.method, url, { token: leaver.access_token, body });
      expect(r.statusCode, `${op.method} ${url}`).toBe(401);
    }
    expect((await w.s.call('POST', '/api/auth/refresh', { body: { refresh_token: leaver.refresh_token } })).statusCode).toBe(401);
    expect(await dumpAllText(w.s.database)).toBe(before);
  });
});

describe('refresh token replay', () => {
  it('a refresh token replayed after rotation is refused and revokes the whole chain', async () => {
    const first = await w.s.login(SUPER.email, SUPER.password);
    const rotated = (await w.s.call('POST', '/api/auth/refresh', { body: { refresh_token: first.refresh_token } })).json();
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    const replay = await w.s.call('POST', '/api/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toMatch(/already used/);
    // The legitimate holder of the rotated token is signed out too, and a second replay stays refused.
    expect((await w.s.call('POST', '/api/auth/refresh', { body: { refresh_token: rotated.refresh_token } })).statusCode).toBe(401);
    expect((await w.s.call('POST', '/api/auth/refresh', { body: { refresh_token: first.refresh_token } })).statusCode).toBe(401);
    // Neither refresh token opens any route as a bearer token.
    for (const op of ops) {
      const { url, body } = requestFor(op, idsFor(op.path, w, w.a), w.subA);
      for (const t of [first.refresh_token, rotated.refresh_token]) expect((await w.s.call(op.method, url, { token: t, body })).statusCode).toBe(401);
    }
    // Concurrent replays of one token: at most one succeeds.
    const fresh = await w.s.login(SUPER.email, SUPER.password);
    const racing = await Promise.all(Array.from({ length: 8 }, () => w.s.call('POST', '/api/auth/refresh', { body: { refresh_token: fresh.refresh_token } })));
    expect(racing.filter((r) => r.statusCode === 200).length).toBeLessThanOrEqual(1);
    expect(racing.every((r) => r.statusCode === 200 || r.statusCode === 401)).toBe(true);
  });
});
