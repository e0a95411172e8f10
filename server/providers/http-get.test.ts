import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpGetError, httpGet } from './http-get';

let server: Server;
let base = '';
const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes.get(new URL(req.url!, 'http://x').pathname);
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));

const get = (path: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}) => httpGet(new URL(base + path), { Accept: 'application/json' }, { timeoutMs: 2000, ...opts });
const body = JSON.stringify({ contacts: Array.from({ length: 200 }, (_, i) => ({ id: `c${i}`, name: `Zoë Ñandú 日本 ${i} 🎉` })) });

describe('httpGet', () => {
  it('reads a body sent in pieces, multi-byte characters split anywhere, with the headers any case', async () => {
    let seen: IncomingMessage['headers'] = {};
    routes.set('/pieces', (req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-RateLimit-Remaining': '99', 'Set-Cookie': ['a=1', 'b=2'] });
      const bytes = Buffer.from(body);
      let at = 0;
      const next = () => {
        if (at >= bytes.length) return res.end();
        res.write(bytes.subarray(at, (at += 7))); // 7 bytes: cuts through 2-, 3- and 4-byte characters
        setImmediate(next);
      };
      next();
    });
    const res = await get('/pieces');
    expect([res.status, res.ok]).toEqual([200, true]);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('99');
    expect(res.headers.get('X-RATELIMIT-REMAINING')).toBe('99');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.text()).toBe(body);
    expect(seen.accept).toBe('application/json');
    expect(seen['accept-encoding']).toContain('gzip');
  });

  it('decompresses gzip, deflate and br bodies', async () => {
    const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const [name, encode] of Object.entries(encoders)) {
      routes.set(`/${name}`, (_req, res) => res.writeHead(200, { 'Content-Encoding': name }).end(encode(Buffer.from(body))));
      expect(await (await get(`/${name}`)).text()).toBe(body);
    }
  });

  it('answers non-2xx statuses without following redirects', async () => {
    routes.set('/moved', (_req, res) => res.writeHead(302, { Location: '/pieces' }).end('moved'));
    routes.set('/limited', (_req, res) => res.writeHead(429, { 'Retry-After': '3' }).end('{"message":"Too Many Requests"}'));
    const moved = await get('/moved');
    expect([moved.status, moved.ok, await moved.text()]).toEqual([302, false, 'moved']);
    const limited = await get('/limited');
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([429, '3', '{"message":"Too Many Requests"}']);
  });

  it('rejects a body cut short: a Content-Length not reached, a gzip stream cut off', async () => {
    routes.set('/short', (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(body.length + 100) });
      res.write(body.slice(0, 50));
      setTimeout(() => res.destroy(), 20);
    });
    const short = await get('/short');
    expect(short.status).toBe(200);
    await expect(short.text()).rejects.toMatchObject({ name: 'HttpGetError', reason: 'network' });
    routes.set('/gzip-cut', (_req, res) => {
      const zipped = gzipSync(Buffer.from(body));
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.write(zipped.subarray(0, zipped.length / 2));
      setTimeout(() => res.destroy(), 20);
    });
    await expect((await get('/gzip-cut')).text()).rejects.toBeInstanceOf(HttpGetError);
  });

  it('times out before the headers and while the body is still coming', async () => {
    routes.set('/silent', () => {});
    await expect(get('/silent', { timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
    routes.set('/stalls', (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('{"partial":');
    });
    const res = await get('/stalls', { timeoutMs: 150 });
    await expect(res.text()).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('stops when the caller aborts, before or during the exchange', async () => {
    const already = new AbortController();
    already.abort();
    await expect(get('/silent', { signal: already.signal })).rejects.toMatchObject({ reason: 'aborted' });
    const later = new AbortController();
    const pending = get('/silent', { signal: later.signal });
    setTimeout(() => later.abort(), 30);
    await expect(pending).rejects.toMatchObject({ reason: 'aborted' });
  });

  it('reports a refused connection with its socket code', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await httpGet(new URL(`http://127.0.0.1:${port}/`), {}, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'network' });
    expect((err as HttpGetError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reuses its kept-alive connection across requests', async () => {
    const ports = new Set<number>();
    routes.set('/who', (req, res) => {
      ports.add(req.socket.remotePort!);
      res.end('ok');
    });
    for (let i = 0; i < 5; i++) expect(await (await get('/who')).text()).toBe('ok');
    expect(ports.size).toBe(1);
  });
});
