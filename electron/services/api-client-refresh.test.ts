/**
 * A refresh whose answer is lost on the way back (the server rotated the token, the console never heard) must not
 * sign the console out: the client retries with the same token and the same retry key. The real API on PGlite,
 * behind an HTTP relay that can swallow answers after the server has acted on the request.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../test-support/server';
import { ApiClient } from './api-client';

let server: TestServer;
let relay: Server;
let relayBase: string;
/** Refresh answers still to swallow, and every refresh body the relay saw. */
const relayState = { swallowRefreshAnswers: 0, refreshBodies: [] as Array<Record<string, unknown>> };

function listen(s: Server) {
  return new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  server = await createTestServer();
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const upstream = server.app.server.address() as AddressInfo;
  relay = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isRefresh = req.url === '/api/auth/refresh';
      if (isRefresh) relayState.refreshBodies.push(JSON.parse(body.toString('utf8')));
      const up = request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const out: Buffer[] = [];
        answer.on('data', (c: Buffer) => out.push(c));
        answer.on('end', () => {
          if (isRefresh && relayState.swallowRefreshAnswers > 0) {
            relayState.swallowRefreshAnswers--;
            res.socket?.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers as IncomingHttpHeaders);
          res.end(Buffer.concat(out));
        });
      });
      up.end(body);
    });
  });
  relayBase = await listen(relay);
});

afterAll(async () => {
  await new Promise((r) => relay.close(r));
  await server.close();
});

function client(base: string, refreshToken: string) {
  const state = { refresh: refreshToken as string | undefined, signedOut: [] as string[] };
  const api = new ApiClient({
    baseUrl: async () => base,
    credentials: { loadRefreshToken: () => state.refresh, saveRefreshToken: (t) => (state.refresh = t) },
    onSignedOut: (reason) => state.signedOut.push(reason),
    noProxy: true,
    timeoutMs: 5_000,
  });
  return { api, state };
}

describe('ApiClient refresh when the answer is lost', () => {
  it('retries with the same token and retry key, stays signed in, and the chain goes on', async () => {
    const { refresh_token } = await server.login();
    const { api, state } = client(relayBase, refresh_token);
    relayState.refreshBodies.length = 0;
    relayState.swallowRefreshAnswers = 2;

    // The server rotates the token twice, the console hears nothing: the request fails as unreachable.
    await expect(api.request('GET', '/api/auth/me')).rejects.toMatchObject({ code: 'offline' });
    await expect(api.request('GET', '/api/auth/me')).rejects.toMatchObject({ code: 'offline' });
    expect(state.refresh).toBe(refresh_token);
    // The third answer arrives.
    await expect(api.request('GET', '/api/auth/me')).resolves.toMatchObject({ email: 'root@loctelli.test' });
    expect(state.signedOut).toEqual([]);
    expect(state.refresh).not.toBe(refresh_token);

    const [a, b, c] = relayState.refreshBodies;
    expect(relayState.refreshBodies).toHaveLength(3);
    expect(a.refresh_token).toBe(refresh_token);
    expect(typeof a.retry_key).toBe('string');
    expect(b).toEqual(a);
    expect(c).toEqual(a);

    // The token that did arrive carries on, and its refresh is a new attempt with a new key.
    api.forget();
    await expect(api.request('GET', '/api/auth/me')).resolves.toMatchObject({ email: 'root@loctelli.test' });
    const d = relayState.refreshBodies[3];
    expect(d.refresh_token).not.toBe(refresh_token);
    expect(d.retry_key).not.toBe(a.retry_key);
    expect(state.signedOut).toEqual([]);
  });

  it('a copy of the rotated token replayed by someone else still ends the session', async () => {
    const { refresh_token } = await server.login();
    const { api, state } = client(relayBase, refresh_token);
    await expect(api.request('GET', '/api/auth/me')).resolves.toMatchObject({ email: 'root@loctelli.test' });
    // Another client (no retry key of this one) presents the used token: the whole chain is revoked.
    const thief = await server.call('POST', '/api/auth/refresh', { body: { refresh_token, retry_key: 'a-thief-guessing-a-key' } });
    expect(thief.statusCode).toBe(401);
    api.forget();
    await expect(api.request('GET', '/api/auth/me')).rejects.toMatchObject({ code: 'signed_out' });
    expect(state.signedOut).toHaveLength(1);
  });
});

describe('ApiClient refresh against a server without retry keys', () => {
  it('refreshes without the key once the server refuses the field', async () => {
    const seen: Array<Record<string, unknown>> = [];
    // What a server from before retry keys answers (strict body validation), and its token pair otherwise.
    const old = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.url === '/api/auth/refresh') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          seen.push(body);
          if ('retry_key' in body) {
            return json(400, { statusCode: 400, error: 'Bad Request', message: 'Invalid request: /body/retry_key is not an allowed field', details: [{ path: '/body/retry_key', message: 'is not an allowed field' }] });
          }
          return json(200, { access_token: `access-${seen.length}`, refresh_token: `refresh-token-number-${seen.length}`, expires_in: 900, admin: { id: 1, name: 'Root', email: 'root@loctelli.test', role: 'super_admin' } });
        }
        if (req.headers.authorization?.startsWith('Bearer access-')) return json(200, { ok: true });
        return json(401, { statusCode: 401, error: 'Unauthorized', message: 'Access token is invalid' });
      });
    });
    const base = await listen(old);
    try {
      const { api, state } = client(base, 'refresh-token-from-sign-in');
      await expect(api.request('GET', '/api/thing')).resolves.toEqual({ ok: true });
      api.forget();
      await expect(api.request('GET', '/api/thing')).resolves.toEqual({ ok: true });
      expect(seen.map((b) => 'retry_key' in b)).toEqual([true, false, false]);
      expect(state.refresh).toBe('refresh-token-number-3');
      expect(state.signedOut).toEqual([]);
    } finally {
      await new Promise((r) => old.close(r));
    }
  });
});
