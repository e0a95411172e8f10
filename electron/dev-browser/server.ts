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
import { BRIDGE_PREFIX, bridgeClientSource } from './bridge-client';

export interface BridgeServerOptions {
  dispatch: Dispatch;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** The renderer's build (out/renderer). */
  rendererDir: string;
  port?: number;
  /** Loopback only. */
  host?: '127.0.0.1' | '::1';
}

export interface BridgeServer {
  /** The console's address, without a session: opening it alone gets the "open the one-time link" page. */
  url: string;
  /** The first one-time link (`<url>?bootstrap=<code>`): opening it once signs that browser in. */
  bootstrapUrl: string;
  /** Another one-time link, for another browser (the CLI prints one on request). */
  newBootstrapUrl(): string;
  /** The session cookie's name (it carries the port: cookies do not tell ports apart). */
  cookieName: string;
  server: Server;
  close(): Promise<void>;
}

const BOOTSTRAP_PARAM = 'bootstrap';
/** An unused one-time link stops working after this long. */
const BOOTSTRAP_TTL_MS = 10 * 60_000;

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const SIGN_IN_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Loctelli Integrations</title></head>
<body><h1>Open the console with its one-time link</h1><p>This browser has no session with the console bridge. Open the
<code>?bootstrap=…</code> link that <code>npm run dev:browser</code> printed in its terminal (each link works once; press Enter
in that terminal for a new one).</p></body></html>`;

const MISSING_BUILD = `<!doctype html><html><head><meta charset="utf-8"><title>Loctelli Integrations</title></head>
<body><h1>The renderer is not built</h1><p>Run <code>npm run build</code>, then start <code>npm run dev:browser</code> again.</p></body></html>`;

/**
 * `npm run dev:browser`'s HTTP server on loopback: serves the built renderer with the bridge client
 * injected, and answers the client's calls with the same dispatcher (contract validation, handlers, typed
 * errors) the Electron main process uses. The Electron sender check is replaced by a session that only the
 * holder of a one-time link gets: the CLI prints `<url>?bootstrap=<code>` to its terminal, and opening it
 * exchanges the code (once) for an HttpOnly, SameSite=Strict cookie, then redirects to the clean URL.
 * Nothing served here carries a working credential, so another local process that reads the page (or
 * guesses the port) gets nothing it can call with. Every call also needs an `Origin` equal to the page's
 * (`http://<Host>` for an allowed Host: 127.0.0.1 or localhost at this port): other sites, other ports
 * and callers without an Origin are refused; Host is checked against DNS rebinding.
 */
export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const host = opts.host ?? '127.0.0.1';
  const clientJs = bridgeClientSource();
  const streams = new Set<ServerResponse>();
  let origin = '';
  let allowedHosts: string[] = [];
  let cookieName = '';
  /** One-time codes not used yet (→ when they expire), and the sessions they were exchanged for. */
  const bootstrapCodes = new Map<string, number>();
  const sessions = new Set<string>();

  const secret = () => randomBytes(32).toString('base64url');
  const hostOf = (req: IncomingMessage) => String(req.headers.host ?? '').toLowerCase();
  const hostOk = (req: IncomingMessage) => allowedHosts.includes(hostOf(req));
  // A browser sends Origin on every POST; the page's own is http://<the Host it was loaded from>.
  const originOk = (req: IncomingMessage) => req.headers.origin === `http://${hostOf(req)}`;
  /** Constant-time lookup of a presented secret among the known ones. */
  const findSecret = (given: string | null | undefined, known: Iterable<string>) => {
    if (!given) return undefined;
    const b = Buffer.from(given);
    for (const k of known) {
      const kb = Buffer.from(k);
      if (kb.length === b.length && timingSafeEqual(kb, b)) return k;
    }
    return undefined;
  };
  const sessionOf = (req: IncomingMessage) => {
    for (const part of String(req.headers.cookie ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === cookieName) {
        const found = findSecret(part.slice(at + 1).trim(), sessions);
        if (found) return found;
      }
    }
    return undefined;
  };
  const trustedCall = (req: IncomingMessage) => originOk(req) && sessionOf(req) !== undefined;
  const newBootstrapUrl = () => {
    const code = secret();
    bootstrapCodes.set(code, Date.now() + BOOTSTRAP_TTL_MS);
    return `${origin}/?${BOOTSTRAP_PARAM}=${code}`;
  };
  /** Spends a one-time code: a new session, or undefined when the code is wrong, used or expired. */
  const exchange = (code: string | null) => {
    const now = Date.now();
    for (const [c, expires] of bootstrapCodes) if (expires < now) bootstrapCodes.delete(c);
    const found = findSecret(code, bootstrapCodes.keys());
    if (!found) return undefined;
    bootstrapCodes.delete(found);
    const session = secret();
    sessions.add(session);
    return session;
  };

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  const injectIntoPage = (html: string) => {
    const tags = `<script src="${BRIDGE_PREFIX}/bridge.js"></script>`;
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
      if (!trustedCall(req)) {
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
      // POST, so that the browser sends Origin (it does not on a same-origin GET).
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_payload', message: 'Use POST' } });
      if (!trustedCall(req)) return sendJson(res, 403, { ok: false, error: { code: 'forbidden_sender', message: 'No bridge session (open the one-time link), or another Origin' } });
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

    // GET only: a HEAD (link previews, prefetchers) must not spend the code.
    if (url.searchParams.has(BOOTSTRAP_PARAM) && req.method === 'GET') {
      const session = exchange(url.searchParams.get(BOOTSTRAP_PARAM));
      if (!session) return send(res, 403, SIGN_IN_PAGE.replace('<h1>Open the console with its one-time link</h1>', '<h1>This one-time link was used already, has expired or is wrong</h1>'), 'text/html; charset=utf-8');
      // The code leaves the address bar (and the history) at once; the fragment (#/screen) is kept by the browser.
      // Always to `/` (the renderer routes by fragment): never a path taken from the request (`//host` redirects).
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'cache-control': 'no-store',
        'set-cookie': `${cookieName}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        location: '/',
      });
      return res.end();
    }

    const file = resolveUnder(opts.rendererDir, decodeURIComponent(path));
    if (!file) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    if (file.endsWith('index.html')) {
      if (!sessionOf(req)) return send(res, 401, SIGN_IN_PAGE, 'text/html; charset=utf-8');
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
  cookieName = `loctelli_bridge_${port}`;
  const bootstrapUrl = newBootstrapUrl();

  const off = opts.onEvent((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const s of streams) s.write(frame);
  });

  return {
    url: `${origin}/`,
    bootstrapUrl,
    newBootstrapUrl,
    cookieName,
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
