import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http1Connection, ResponseParser } from './http1-client';

/** The benchmarks' lean HTTP/1.1 client against node:http's server: every answer read whole, nothing more. */
let server: http.Server;
let port: number;
const seen: Array<{ method: string; url: string; body: string; headers: http.IncomingHttpHeaders }> = [];
const big = 'é'.repeat(100_000); // 200,000 bytes: many TCP reads

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      if (req.url === '/big') return res.end(big);
      if (req.url === '/chunked') {
        res.write('abc');
        res.write(big);
        return setTimeout(() => res.end('xyz'), 5);
      }
      if (req.url === '/missing') return res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404}');
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/close') return res.writeHead(200, { connection: 'close' }).end('bye');
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('Http1Connection', () => {
  it('reads Content-Length, chunked, empty and error answers whole, one after another on one connection', async () => {
    const c = new Http1Connection('127.0.0.1', port);
    expect(await c.request('GET /small HTTP/1.1')).toEqual({ status: 200, bytes: 2, close: false });
    expect(await c.request('GET /big HTTP/1.1')).toEqual({ status: 200, bytes: Buffer.byteLength(big), close: false });
    expect(await c.request('GET /chunked HTTP/1.1')).toEqual({ status: 200, bytes: 6 + Buffer.byteLength(big), close: false });
    expect(await c.request('GET /missing HTTP/1.1')).toEqual({ status: 404, bytes: 18, close: false });
    expect(await c.request('GET /empty HTTP/1.1')).toEqual({ status: 204, bytes: 0, close: false });
    const ports = new Set(seen.slice(-5).map((r) => r.headers.host));
    expect(ports).toEqual(new Set([`127.0.0.1:${port}`]));
    c.close();
  });

  it('sends headers and a body as written', async () => {
    const c = new Http1Connection('127.0.0.1', port);
    const body = Buffer.from('{"a":"Zoë"}');
    await c.request('POST /echo HTTP/1.1\r\ncontent-type: application/json\r\nx-signature: abc', body);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/echo', body: '{"a":"Zoë"}', headers: { 'content-type': 'application/json', 'x-signature': 'abc', 'content-length': String(body.length) } });
    c.close();
  });

  it('opens a new connection after the server closes one', async () => {
    const c = new Http1Connection('127.0.0.1', port);
    expect(await c.request('GET /close HTTP/1.1')).toEqual({ status: 200, bytes: 3, close: true });
    expect(await c.request('GET /small HTTP/1.1')).toMatchObject({ status: 200, bytes: 2 });
    c.close();
  });

  it('fails a request whose connection is refused, instead of waiting forever', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(new Http1Connection('127.0.0.1', free).request('GET / HTTP/1.1')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('ResponseParser', () => {
  const feed = (bytes: string, sizes: number[]) => {
    const p = new ResponseParser();
    const buf = Buffer.from(bytes, 'latin1');
    let at = 0;
    let out;
    for (const n of [...sizes, buf.length]) {
      if (at >= buf.length) break;
      out = p.push(buf.subarray(at, Math.min(buf.length, at + n)));
      if (out) expect(at + n).toBeGreaterThanOrEqual(buf.length);
      at += n;
    }
    return out;
  };

  it('gives the same answer however the bytes are split (head, chunk sizes and CRLFs cut anywhere)', () => {
    const chunked = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\na;ext=1\r\n0123456789\r\n0\r\n\r\n';
    const fixed = 'HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(feed(chunked, Array(200).fill(size))).toEqual({ status: 200, bytes: 13, close: false });
      expect(feed(fixed, Array(200).fill(size))).toEqual({ status: 201, bytes: 5, close: false });
    }
  });

  it('refuses what it cannot read rather than miscounting', () => {
    expect(() => new ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\n\r\nbody'))).toThrow(/neither a valid Content-Length nor chunked/);
    expect(() => new ResponseParser().push(Buffer.from('SSH-2.0-x\r\n\r\n'))).toThrow(/not an HTTP\/1.1 status line/);
    expect(() => new ResponseParser().push(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1'))).toThrow(/more than one/);
  });
});
