import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client';

/**
 * A server that answers 502/503/504 (a gateway whose backend is gone, or the API while its database is away)
 * is treated like one that cannot be reached: typed `offline`, connectivity off with the server's reason, so
 * reads fall back to the cache. Other 5xx stay server errors.
 */
let server: Server;
let base: string;
let status = 503;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: status, error: 'Service Unavailable', message: 'The database is temporarily unavailable; try again in a few seconds' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

function client(events: Array<[boolean, string | null]>) {
  let refresh: string | undefined = 'refresh-token';
  return new ApiClient({
    baseUrl: async () => base,
    credentials: { loadRefreshToken: () => refresh, saveRefreshToken: (t) => (refresh = t) },
    onConnectivity: (online, reason) => events.push([online, reason]),
    noProxy: true,
  });
}

describe('ApiClient and an unavailable server', () => {
  it('reports 502, 503 and 504 as offline with the server reason, and a failing health check as unreachable', async () => {
    for (const s of [502, 503, 504]) {
      status = s;
      const events: Array<[boolean, string | null]> = [];
      const c = client(events);
      c.setAccessTokenForTesting('token');
      await expect(c.request('GET', '/api/integrations')).rejects.toMatchObject({ code: 'offline', message: expect.stringContaining('temporarily unavailable (The database is temporarily unavailable') });
      expect(events.at(-1)?.[0]).toBe(false);
      expect(await c.probe()).toBe(false);
    }
  });

  it('keeps other server failures as server errors, and the server counts as reachable', async () => {
    status = 500;
    const events: Array<[boolean, string | null]> = [];
    const c = client(events);
    c.setAccessTokenForTesting('token');
    await expect(c.request('GET', '/api/integrations')).rejects.toMatchObject({ code: 'server_error' });
    expect(events).toEqual([[true, null]]);
  });
});
