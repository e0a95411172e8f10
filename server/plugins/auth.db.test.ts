import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { craftJwt } from '../../test-support/jwt';
import { createTestServer, SUPER, type TestServer } from '../../test-support/server';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({
    loginLimits: { perIp: { max: 1000, windowMs: 60_000 }, perEmailFailures: { max: 3, windowMs: 60_000 } },
  });
});
afterAll(() => s.close());

describe('login', () => {
  it('returns a token pair and the admin', async () => {
    const res = await s.call('POST', '/api/auth/login', { body: { email: SUPER.email.toUpperCase(), password: SUPER.password } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.admin).toMatchObject({ email: SUPER.email, role: 'super_admin', name: 'Root' });
    expect(body.expires_in).toBe(900);
    const me = await s.call('GET', '/api/auth/me', { token: body.access_token });
    expect(me.json()).toMatchObject({ email: SUPER.email, role: 'super_admin' });
    // The access token lasts 15 minutes.
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('rejects a wrong password and unknown e-mail alike', async () => {
    const wrong = await s.call('POST', '/api/auth/login', { body: { email: SUPER.email, password: 'nope-nope-nope' } });
    const unknown = await s.call('POST', '/api/auth/login', { body: { email: 'ghost@loctelli.test', password: 'nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
  });

  it('validates the body with field paths and rejects unknown fields', async () => {
    const res = await s.call('POST', '/api/auth/login', { body: { email: SUPER.email, password: 'x', remember: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ path: '/body/remember', message: 'is not an allowed field' }] });
    const missing = await s.call('POST', '/api/auth/login', { body: { email: SUPER.email } });
    expect(missing.json().details).toEqual([{ path: '/body/password', message: 'is required' }]);
  });

  it('rate limits failures per e-mail with 429 and Retry-After', async () => {
    const email = 'victim@loctelli.test';
    for (let i = 0; i < 3; i++) {
      expect((await s.call('POST', '/api/auth/login', { body: { email, password: `guess-${i}` } })).statusCode).toBe(401);
    }
    const limited = await s.call('POST', '/api/auth/login', { body: { email, password: 'guess-4' } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().message).toMatch(/Too many sign-in attempts/);
    // Another e-mail from the same address is still allowed.
    expect((await s.call('POST', '/api/auth/login', { body: SUPER })).statusCode).toBe(200);
  });

  it('rate limits attempts per IP', async () => {
    const t = await createTestServer({
      database: undefined,
      loginLimits: { perIp: { max: 2, windowMs: 60_000 }, perEmailFailures: { max: 100, windowMs: 60_000 } },
    });
    try {
      const attempt = (remoteAddress: string, email: string) =>
        t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password: 'wrong-password' } });
      expect((await attempt('10.0.0.1', 'a@x.test')).statusCode).toBe(401);
      expect((await attempt('10.0.0.1', 'b@x.test')).statusCode).toBe(401);
      const third = await attempt('10.0.0.1', 'c@x.test');
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
      expect((await attempt('10.0.0.2', 'c@x.test')).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});

describe('refresh tokens', () => {
  it('rotates the pair and detects reuse, revoking the whole chain', async () => {
    const first = await s.login();
    const r1 = await s.call('POST', '/api/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(r1.statusCode).toBe(200);
    const second = r1.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const r2 = await s.call('POST', '/api/auth/refresh', { body: { refresh_token: second.refresh_token } });
    expect(r2.statusCode).toBe(200);
    const third = r2.json();

    // Replaying an already rotated token is reuse: 401, and the newest token of the chain dies too.
    const replay = await s.call('POST', '/api/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toMatch(/already used/);
    const afterReuse = await s.call('POST', '/api/auth/refresh', { body: { refresh_token: third.refresh_token } });
    expect(afterReuse.statusCode).toBe(401);

    // Another sign-in (another chain) is unaffected.
    const other = await s.login();
    expect((await s.call('POST', '/api/auth/refresh', { body: { refresh_token: other.refresh_token } })).statusCode).toBe(200);
  });

  it('lets the same client retry a refresh whose answer was lost, and only that client', async () => {
    const refresh = (token: string, retryKey?: string) =>
      s.call('POST', '/api/auth/refresh', { body: { refresh_token: token, ...(retryKey ? { retry_key: retryKey } : {}) } });
    const key = 'k'.repeat(16) + '-lost-answer_1';

    // The answer to this refresh never reaches the client; it retries with the same token and key (twice lost).
    const first = await s.login();
    const lost = (await refresh(first.refresh_token, key)).json();
    const lostAgain = await refresh(first.refresh_token, key);
    expect(lostAgain.statusCode).toBe(200);
    const retried = await refresh(first.refresh_token, key);
    expect(retried.statusCode).toBe(200);
    // The answers that were lost can never be used; the one that arrived carries on the chain.
    expect((await refresh(lost.refresh_token)).json().message).toMatch(/revoked/);
    expect((await refresh(lostAgain.json().refresh_token)).statusCode).toBe(401);
    const next = await refresh(retried.json().refresh_token);
    expect(next.statusCode).toBe(200);
    expect((await s.call('GET', '/api/auth/me', { token: next.json().access_token })).statusCode).toBe(200);
    // Now that a token issued from it was used, the first token with its key is a replay: the chain dies.
    const late = await refresh(first.refresh_token, key);
    expect(late.json().message).toMatch(/already used/);
    expect((await refresh(next.json().refresh_token)).statusCode).toBe(401);

    // A copy of a used token is a replay without the key, with another key, or with the key after the window.
    for (const attempt of [undefined, 'another-key-of-16-chars', 'too-late']) {
      const pair = await s.login();
      expect((await refresh(pair.refresh_token, key)).statusCode).toBe(200);
      if (attempt === 'too-late') {
        await s.database.query(`update refresh_tokens set used_at = now() - interval '11 minutes' where used_at is not null and revoked_at is null`);
      }
      const replay = await refresh(pair.refresh_token, attempt === 'too-late' ? key : attempt);
      expect(replay.statusCode, String(attempt)).toBe(401);
      expect(replay.json().message).toMatch(/already used/);
    }
    // Keys are stored as hashes, like the tokens.
    const keys = await s.database.query<{ retry_key_hash: string }>('select retry_key_hash from refresh_tokens where retry_key_hash is not null');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k.retry_key_hash))).toBe(true);

    const bad = await s.call('POST', '/api/auth/refresh', { body: { refresh_token: first.refresh_token, retry_key: 'short' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('/body/retry_key');
  });

  it('rejects unknown tokens and stores only hashes', async () => {
    const res = await s.call('POST', '/api/auth/refresh', { body: { refresh_token: 'x'.repeat(43) } });
    expect(res.statusCode).toBe(401);
    const pair = await s.login();
    const rows = await s.database.query<{ token_hash: string }>('select token_hash from refresh_tokens');
    expect(rows.some((r) => r.token_hash === pair.refresh_token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('logout revokes the chain', async () => {
    const pair = await s.login();
    const out = await s.call('POST', '/api/auth/logout', { body: { refresh_token: pair.refresh_token } });
    expect(out.statusCode).toBe(204);
    expect((await s.call('POST', '/api/auth/refresh', { body: { refresh_token: pair.refresh_token } })).statusCode).toBe(401);
  });
});

describe('access tokens', () => {
  it('answers 401 without, with an expired, tampered or alg:none token', async () => {
    const { access_token } = await s.login();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /Authentication required/],
      [craftJwt({ sub: '1', typ: 'access', iat: now - 3600, exp: now - 1800 }, { secret: s.jwtSecret }), /expired/],
      [craftJwt({ sub: '1', typ: 'access', iat: now, exp: now + 900 }, { secret: 'not-the-server-secret' }), /invalid/],
      [craftJwt({ sub: '1', typ: 'access', iat: now, exp: now + 900 }, { alg: 'none' }), /invalid/],
      [`${access_token.split('.')[0]}.${Buffer.from(JSON.stringify({ sub: '1', typ: 'access', role: 'super_admin', iat: now, exp: now + 9999 })).toString('base64url')}.${access_token.split('.')[2]}`, /invalid/],
      [craftJwt({ sub: '1', typ: 'refresh', iat: now, exp: now + 900 }, { secret: s.jwtSecret }), /invalid/],
    ];
    for (const [token, message] of cases) {
      const res = await s.call('GET', '/api/integrations', { token });
      expect(res.statusCode, String(token)).toBe(401);
      expect(res.json().message).toMatch(message);
    }
  });

  it('stops working when the admin is deactivated', async () => {
    const { access_token: superToken } = await s.login();
    const created = await s.call('POST', '/api/admins', {
      token: superToken,
      body: { name: 'Temp', email: 'temp@loctelli.test', password: 'temporary-password-1' },
    });
    const pair = await s.login('temp@loctelli.test', 'temporary-password-1');
    expect((await s.call('GET', '/api/auth/me', { token: pair.access_token })).statusCode).toBe(200);
    await s.call('PUT', `/api/admins/${created.json().id}`, { token: superToken, body: { isActive: false } });
    expect((await s.call('GET', '/api/auth/me', { token: pair.access_token })).statusCode).toBe(401);
    expect((await s.call('POST', '/api/auth/refresh', { body: { refresh_token: pair.refresh_token } })).statusCode).toBe(401);
    expect((await s.call('POST', '/api/auth/login', { body: { email: 'temp@loctelli.test', password: 'temporary-password-1' } })).statusCode).toBe(401);
  });
});

describe('error format', () => {
  it('is the same for unknown routes, bad JSON, prototype pollution and oversized bodies', async () => {
    const { access_token } = await s.login();
    const notFound = await s.call('GET', '/api/nope', { token: access_token });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });

    const badJson = await s.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });

    const proto = await s.app.inject({
      method: 'POST', url: '/api/subaccounts', headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
      payload: '{"name":"x","__proto__":{"isAdmin":true}}',
    });
    expect(proto.statusCode).toBe(400);

    const huge = await s.call('POST', '/api/subaccounts', { token: access_token, body: { name: 'x'.repeat(600 * 1024) } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });

    const badId = await s.call('GET', '/api/integrations/abc', { token: access_token });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().details[0].path).toBe('/params/id');
  });

  it('serves health without auth and the OpenAPI document', async () => {
    const health = await s.call('GET', '/api/health');
    expect(health.json()).toMatchObject({ status: 'ok', database: s.database.kind });
    const doc = (await s.call('GET', '/api/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/integrations', '/api/integrations/{id}', '/api/integration-templates']));
    expect(doc.paths['/api/integrations'].post.requestBody).toBeDefined();
  });
});
