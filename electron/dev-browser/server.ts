import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { EventName } from '../../shared/ipc/contract';
import type { Dispatch } from '../ipc/dispatcher';
import { MAX_PAYLOAD_BYTES } from '../ipc/dispatcher';
import { mimeOf, resolveUnder } from '../shell/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../shell/security';
import { BRIDGE_PREFIX, bridgeClientSource, TOKEN_HEADER, TOKEN_META } from './bridge-client';

export interface BridgeServerOptions {
  dispatch: Dispatch;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** The renderer's build (out/renderer). */
  rendererDir: string;
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1' | '::1';
  token?: string;
}

export interface BridgeServer {
  url: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const MISSING_BUILD = `<!doctype html><html><head><meta charset="utf-8"><title>Loctelli Integrations</title></head>
<body><h1>The renderer is not built</h1><p>Run <code>npm run build</code>, then start <code>npm run dev:browser</code> again.</p></body></html>`;

/**
 * `npm run dev:browser`'s HTTP server on loopback: serves the built renderer with the bridge client
 * injected, and answers the client's calls with the same dispatcher (contract validation, handlers, typed
 * errors) the Electron main process uses. The Electron sender check is replaced by a random token that
 * only pages served here carry; Host and Origin are checked too (DNS rebinding, other sites).
 */
export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const host = opts.host ?? '127.0.0.1';
  const clientJs = bridgeClientSource();
  const streams = new Set<ServerResponse>();
  let origin = '';
  let allowedHosts: string[] = [];

  const tokenOk = (req: IncomingMessage) => {
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string') return false;
    const b = Buffer.from(given);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  const hostOk = (req: IncomingMessage) => allowedHosts.includes(String(req.headers.host ?? '').toLowerCase());
  const originOk = (req: IncomingMessage) => req.headers.origin === undefined || req.headers.origin === origin;

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  const injectIntoPage = (html: string) => {
    const tags = `<meta name="${TOKEN_META}" content="${token}"><script src="${BRIDGE_PREFIX}/bridge.js"></script>`;
    return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => `${m}${tags}`) : `${tags}${html}`;
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_PAYLOAD_BYTES + 1024) {
          reject(new Error('too large'));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostOk(req)) return send(res, 421, 'Misdirected request', 'text/plain; charset=utf-8');
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;

    if (path === `${BRIDGE_PREFIX}/bridge.js`) return send(res, 200, clientJs, 'text/javascript; charset=utf-8');

    if (path.startsWith(`${BRIDGE_PREFIX}/rpc/`)) {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_payload', message: 'Use POST' } });
      const method = decodeURIComponent(path.slice(`${BRIDGE_PREFIX}/rpc/`.length));
      const trusted = tokenOk(req) && originOk(req);
      if (!trusted) {
        const result = await opts.dispatch(method, [], { trusted: false, description: `bridge request from ${req.headers.origin ?? 'no origin'}` });
        return sendJson(res, 403, result);
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, { ok: false, error: { code: 'invalid_payload', message: 'Send application/json' } });
      }
      let payload: unknown;
      try {
        payload = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid_payload', message: 'The request body is not JSON (or too large)' } });
      }
      const args = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as { args?: unknown }).args : undefined;
      const result = await opts.dispatch(method, args, { trusted: true });
      return sendJson(res, 200, result);
    }

    if (path === `${BRIDGE_PREFIX}/events`) {
      if (!tokenOk(req) || !originOk(req)) return sendJson(res, 403, { ok: false, error: { code: 'forbidden_sender', message: 'Missing or wrong bridge token' } });
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
      heartbeat.unref();
      req.on('close', () => {
        clearInterval(heartbeat);
        streams.delete(res);
      });
      return;
    }

    if (path.startsWith(BRIDGE_PREFIX)) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8');

    const file = resolveUnder(opts.rendererDir, decodeURIComponent(path));
    if (!file) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    if (file.endsWith('index.html')) {
      const indexPath = join(opts.rendererDir, 'index.html');
      const html = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : MISSING_BUILD;
      return send(res, 200, injectIntoPage(html), 'text/html; charset=utf-8');
    }
    try {
      const body = await readFile(file);
      return send(res, 200, body, mimeOf(file), { 'cache-control': 'no-cache' });
    } catch {
      return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'Bridge failure' } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host === '::1' ? '[::1]' : host;
  origin = `http://${hostPart}:${port}`;
  allowedHosts = [`${hostPart}:${port}`, `localhost:${port}`];

  const off = opts.onEvent((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const s of streams) s.write(frame);
  });

  return {
    url: `${origin}/`,
    token,
    server,
    close: async () => {
      off();
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
