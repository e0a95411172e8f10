/**
 * `npm run dev:browser`: the bridge server over the same dispatcher and handlers, with the Local
 * workspace's real embedded server, called the way the page calls it (fetch + SSE), plus the CLI itself.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoctelliApi } from '../../shared/ipc/contract';
import { METHOD_NAMES } from '../../shared/ipc/methods';
import { createNodeHost, type NodeHost } from '../node-host';
import { createLoctelliApi } from '../preload-api';
import { CONTENT_SECURITY_POLICY } from '../shell/security';
import { BRIDGE_PREFIX, bridgeClientSource } from './bridge-client';
import { startBridgeServer, type BridgeServer } from './server';

function fakeRenderer() {
  const parent = mkdtempSync(join(tmpdir(), 'loctelli-renderer-'));
  const dir = join(parent, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(parent, 'secret.txt'), 'outside the renderer folder');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app")');
  return dir;
}

/** A request with the path and headers sent exactly as given (fetch would normalise `..` and cannot set Host). */
async function raw(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Opens a one-time link as a browser does: the cookie it sets (`name=value`) and where it redirects. */
async function exchange(link: string): Promise<{ status: number; cookie: string | null; setCookie: string | null; location: string | null }> {
  const res = await fetch(link, { redirect: 'manual' });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, setCookie, cookie: setCookie ? setCookie.split(';')[0] : null, location: res.headers.get('location') };
}

/** Loads the served bridge client the way a page does; its fetch behaves like the browser's (cookie, Origin). */
function loadClient(bridge: BridgeServer, cookie: string): LoctelliApi {
  const window: Record<string, unknown> = { __LOCTELLI_BRIDGE_BASE__: bridge.url.replace(/\/$/, '') };
  const origin = bridge.url.replace(/\/$/, '');
  const browserFetch = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie, origin } });
  runInNewContext(bridgeClientSource(), { window, fetch: browserFetch, AbortController, TextDecoder, setTimeout, console, Object, Array, Set, JSON, Error });
  return window.loctelli as LoctelliApi;
}

describe('browser bridge', () => {
  let host: NodeHost;
  let bridge: BridgeServer;
  let cookie: string;
  let origin: string;
  const rpc = (method: string, args: unknown[], headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}__loctelli/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin, ...headers }, body: JSON.stringify({ args }) }) as Promise<
      Omit<Response, "json"> & { json(): Promise<any> }
    >;

  beforeAll(async () => {
    host = createNodeHost({ userDataDir: mkdtempSync(join(tmpdir(), 'loctelli-bridge-')), dispatcher: { validateResults: true } });
    bridge = await startBridgeServer({ dispatch: host.dispatch, onEvent: (l) => host.core.onEvent(l), rendererDir: fakeRenderer() });
    host.core.start();
    origin = bridge.url.replace(/\/$/, '');
    cookie = (await exchange(bridge.bootstrapUrl)).cookie!;
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await host?.core.stop();
  }, 120_000);

  it('exchanges a one-time link for an HttpOnly SameSite=Strict cookie once, and redirects to the clean URL', async () => {
    expect(bridge.bootstrapUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?bootstrap=[\w-]{43}$/);
    const link = bridge.newBootstrapUrl();
    const first = await exchange(link);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/');
    expect(first.setCookie).toMatch(new RegExp(`^${bridge.cookieName}=[\\w-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(bridge.cookieName).toBe(`loctelli_bridge_${new URL(bridge.url).port}`);
    // Once only: the same link again, a made-up one, or an empty one get no cookie.
    for (const again of [link, `${bridge.url}?bootstrap=${'x'.repeat(43)}`, `${bridge.url}?bootstrap=`]) {
      const r = await exchange(again);
      expect(r.status, again).toBe(403);
      expect(r.setCookie).toBeNull();
    }
    // Each exchange is a session of its own.
    expect(first.cookie).not.toBe(cookie);
    expect((await rpc('settings.get', [], { cookie: first.cookie! })).status).toBe(200);
  });

  it('serves the renderer with the bridge client injected, under the CSP, only to a browser with a session', async () => {
    for (const path of ['', 'integrations/12', 'drafts']) {
      const res = await fetch(`${bridge.url}${path}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      const html = await res.text();
      expect(html.indexOf(`${BRIDGE_PREFIX}/bridge.js`)).toBeGreaterThan(0);
      expect(html.indexOf(`${BRIDGE_PREFIX}/bridge.js`)).toBeLessThan(html.indexOf('/assets/app.js'));
      expect(html).not.toContain(cookie.split('=')[1]);
    }
    // Without one: a page saying where the link is, nothing else.
    const anonymous = await fetch(bridge.url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toMatch(/one-time link/);
    expect(await (await fetch(`${bridge.url}assets/app.js`)).text()).toContain('console.log');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await raw(bridge.url, path, { headers: { cookie } });
      expect(res.body, path).not.toContain('outside the renderer folder');
    }
    const js = await fetch(`${bridge.url}${BRIDGE_PREFIX.slice(1)}/bridge.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers contract methods with the same dispatcher: results, typed errors, validation', async () => {
    const settings = await (await rpc('settings.get', [])).json();
    expect(settings).toMatchObject({ ok: true, value: { theme: 'system', credentialStorage: { backend: 'node_key_file', mode: 'encrypted' } } });
    const set = await (await rpc('settings.set', [{ theme: 'dark' }])).json();
    expect(set.value.theme).toBe('dark');
    const bad = await (await rpc('integrations.get', ['12'])).json();
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload', inputErrors: { '0': 'must be integer' } } });
    const unknown = await (await rpc('integrations.evil', [])).json();
    expect(unknown.error.code).toBe('invalid_payload');
    // The Local workspace (embedded server) behind the bridge.
    await host.core.embedded.start();
    const session = await (await rpc('auth.getSession', [])).json();
    expect(session.value).toMatchObject({ state: 'signed_in', profile: { id: 'local' } });
    const templates = await (await rpc('templates.list', [])).json();
    expect(templates.value.data.length).toBeGreaterThanOrEqual(3);
    const invalid = await (await rpc('integrations.create', [{ subAccountId: 1, integrationTemplateId: templates.value.data.find((t: { name: string }) => t.name === 'GoHighLevel').id, name: 'x', config: { apiKey: 'short' } }])).json();
    expect(invalid).toMatchObject({ ok: false, error: { code: 'validation', fieldErrors: { apiKey: expect.any(String), locationId: 'is required' } } });
  });

  it('refuses calls without the session, without Origin or from another origin, or to another host name', async () => {
    const port = new URL(bridge.url).port;
    const body = '{"args":[{"theme":"light"}]}';
    const json = { 'content-type': 'application/json' };
    // A local process that read everything a caller without the link can read: the page and the client.
    const scraped = (await (await fetch(bridge.url)).text()) + (await (await fetch(`${bridge.url}__loctelli/bridge.js`)).text());
    expect(scraped).not.toMatch(/[\w-]{43}/);
    const refused: [string, Record<string, string>][] = [
      ['no session', { ...json, origin }],
      ['a made-up session', { ...json, origin, cookie: `${bridge.cookieName}=${'x'.repeat(43)}` }],
      ['no Origin (not a browser page)', { ...json, cookie }],
      ['another site', { ...json, cookie, origin: 'https://evil.example' }],
      ['another port of this machine', { ...json, cookie, origin: `http://127.0.0.1:${Number(port) + 1}` }],
      ['localhost Origin to the 127.0.0.1 Host', { ...json, cookie, origin: `http://localhost:${port}` }],
      ['the opaque Origin of a sandboxed frame', { ...json, cookie, origin: 'null' }],
    ];
    for (const [why, headers] of refused) {
      const res = await raw(bridge.url, '/__loctelli/rpc/settings.set', { method: 'POST', headers: { host: `127.0.0.1:${port}`, ...headers }, body });
      expect(res.status, why).toBe(403);
      expect(JSON.parse(res.body).error.code, why).toBe('forbidden_sender');
      const events = await raw(bridge.url, '/__loctelli/events', { method: 'POST', headers: { host: `127.0.0.1:${port}`, ...headers } });
      expect(events.status, `events: ${why}`).toBe(403);
    }
    expect((await (await rpc('settings.get', [])).json()).value.theme).toBe('dark'); // nothing changed
    // The console opened as http://localhost:PORT (its own cookie): that Host with its own Origin is the page.
    const viaLocalhost = await raw(bridge.url, '/__loctelli/rpc/settings.get', { method: 'POST', headers: { ...json, host: `localhost:${port}`, origin: `http://localhost:${port}`, cookie }, body: '{"args":[]}' });
    expect(viaLocalhost.status).toBe(200);
    expect((await raw(bridge.url, '/', { headers: { host: `evil.example:${port}`, cookie } })).status).toBe(421);
    expect((await raw(bridge.url, '/__loctelli/events', { headers: { cookie, origin } })).status).toBe(405);
    const text = await (await rpc('settings.get', [], { 'content-type': 'text/plain' })).json();
    expect(text.error.code).toBe('invalid_payload');
  });

  it('the served client defines window.loctelli with the preload\'s methods, and receives pushes', async () => {
    const api = loadClient(bridge, cookie);
    const preload = createLoctelliApi({ invoke: async () => ({ ok: true, value: null }), subscribe: () => () => {} });
    const shape = (o: object) => Object.entries(o).map(([k, v]) => (typeof v === 'function' ? k : `${k}:{${Object.keys(v).sort().join(',')}}`)).sort();
    expect(shape(api)).toEqual(shape(preload));
    expect(Object.keys(api).filter((k) => k !== 'on').flatMap((ns) => Object.keys((api as any)[ns]).map((m) => `${ns}.${m}`)).sort()).toEqual([...METHOD_NAMES].sort());

    expect((await api.settings.get()).theme).toBe('dark');
    await expect(api.integrations.get(-1 as number)).rejects.toMatchObject({ code: 'invalid_payload' });
    const list = await api.integrations.list();
    expect(list.stale).toBe(false);

    const seen: string[] = [];
    const off = api.on('session.changed', (s) => seen.push(s.state));
    await new Promise((r) => setTimeout(r, 200)); // the event stream connects
    await api.auth.signOut();
    await api.auth.signIn();
    const end = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['signed_out', 'signed_in']);
    off();
    expect(() => api.on('nope' as never, () => {})).toThrow(/Unknown event/);

    // Without a session the same client gets typed refusals.
    const stranger = loadClient(bridge, `${bridge.cookieName}=wrong`);
    await expect(stranger.settings.get()).rejects.toMatchObject({ code: 'forbidden_sender' });
  });
});

describe('npm run dev:browser (CLI)', () => {
  it('prints a one-time link (another on Enter), honours --port and LOCTELLI_USER_DATA, confirms basic_text storage in the terminal, and stops cleanly', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'loctelli-cli-'));
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', String(port), '--no-local-server', '--credential-backend', 'basic_text', '--renderer', fakeRenderer()], {
      env: { ...process.env, LOCTELLI_USER_DATA: userData },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    /** Waits until stdout matches `re` after `from` characters. */
    const printed = async (re: RegExp, from = 0) => {
      const end = Date.now() + 30_000;
      for (;;) {
        const m = re.exec(out.slice(from));
        if (m) return m;
        if (Date.now() > end || child.exitCode !== null) throw new Error(`not printed: ${re} in ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const link = (await printed(/LOCTELLI_BRIDGE_URL=(\S+)/))[1];
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?bootstrap=[\\w-]{43}$`));
    expect(out).toContain(`user data: ${userData}`);
    const { cookie } = await exchange(link);
    const url = `http://127.0.0.1:${port}/`;
    const call = async (method: string, args: unknown[], c = cookie!): Promise<any> =>
      (await fetch(`${url}__loctelli/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: c, origin: url.slice(0, -1) }, body: JSON.stringify({ args }) })).json();
    expect(await call('profiles.list', [])).toMatchObject({ ok: true, value: { activeId: 'local' } });
    expect((await exchange(link)).status).toBe(403); // used

    // Enter: another one-time link, for another browser.
    const before = out.length;
    child.stdin.write('\n');
    const second = (await printed(/LOCTELLI_BRIDGE_URL=(\S+)/, before))[1];
    expect(second).not.toBe(link);
    expect(await call('settings.get', [], (await exchange(second)).cookie!)).toMatchObject({ ok: true });

    // The page asks to store credentials without a keyring: the terminal decides.
    const ask = async (answer: string) => {
      const at = out.length;
      const pending = call('settings.set', [{ acceptInsecureCredentialStorage: true }]);
      await printed(/Store credentials without a keyring\?[\s\S]*Type "yes"/, at);
      child.stdin.write(`${answer}\n`);
      return pending;
    };
    expect(await ask('y')).toMatchObject({ ok: false, error: { code: 'not_allowed', message: expect.stringMatching(/not confirmed/) } });
    expect((await call('settings.get', [])).value.credentialStorage.mode).toBe('memory_only');
    expect(await ask('yes')).toMatchObject({ ok: true, value: { credentialStorage: { mode: 'basic_text_accepted' } } });
    // Back to memory only needs no question; without a terminal to ask, the answer is no.
    expect((await call('settings.set', [{ acceptInsecureCredentialStorage: false }])).value.credentialStorage.mode).toBe('memory_only');
    child.stdin.end();
    await new Promise((r) => setTimeout(r, 200));
    expect(await call('settings.set', [{ acceptInsecureCredentialStorage: true }])).toMatchObject({ ok: false, error: { code: 'not_allowed' } });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
