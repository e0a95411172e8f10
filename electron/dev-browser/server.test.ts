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
import { BRIDGE_PREFIX, bridgeClientSource, TOKEN_HEADER } from './bridge-client';
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

/** A GET with the path sent exactly as given (fetch would normalise `..`). */
async function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Loads the served bridge client the way a page does, in a sandbox with a window and document. */
function loadClient(bridge: BridgeServer, token: string): LoctelliApi {
  const window: Record<string, unknown> = { __LOCTELLI_BRIDGE_BASE__: bridge.url.replace(/\/$/, '') };
  const document = { querySelector: () => ({ getAttribute: () => token }) };
  runInNewContext(bridgeClientSource(), { window, document, fetch, AbortController, TextDecoder, setTimeout, console, Object, Array, Set, JSON, Error });
  return window.loctelli as LoctelliApi;
}

describe('browser bridge', () => {
  let host: NodeHost;
  let bridge: BridgeServer;
  const rpc = (method: string, args: unknown[], headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}__loctelli/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: bridge.token, ...headers }, body: JSON.stringify({ args }) }) as Promise<
      Omit<Response, "json"> & { json(): Promise<any> }
    >;

  beforeAll(async () => {
    host = createNodeHost({ userDataDir: mkdtempSync(join(tmpdir(), 'loctelli-bridge-')), dispatcher: { validateResults: true } });
    bridge = await startBridgeServer({ dispatch: host.dispatch, onEvent: (l) => host.core.onEvent(l), rendererDir: fakeRenderer() });
    host.core.start();
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await host?.core.stop();
  }, 120_000);

  it('serves the renderer with the token and the bridge client injected, under the CSP', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const path of ['', 'integrations/12', 'drafts']) {
      const res = await fetch(`${bridge.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      const html = await res.text();
      expect(html).toContain(`<meta name="loctelli-bridge-token" content="${bridge.token}">`);
      expect(html.indexOf(`${BRIDGE_PREFIX}/bridge.js`)).toBeLessThan(html.indexOf('/assets/app.js'));
    }
    expect(await (await fetch(`${bridge.url}assets/app.js`)).text()).toContain('console.log');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await rawGet(bridge.url, path);
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

  it('refuses calls without the token, from another origin, or to another host name', async () => {
    const noToken = (await fetch(`${bridge.url}__loctelli/rpc/settings.get`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"args":[]}' })) as Omit<Response, "json"> & { json(): Promise<any> };
    expect(noToken.status).toBe(403);
    expect((await noToken.json()).error.code).toBe('forbidden_sender');
    const wrong = await rpc('settings.set', [{ theme: 'light' }], { [TOKEN_HEADER]: 'x'.repeat(bridge.token.length) });
    expect(wrong.status).toBe(403);
    const foreign = await rpc('settings.set', [{ theme: 'light' }], { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await (await rpc('settings.get', [])).json()).value.theme).toBe('dark'); // nothing changed
    const port = new URL(bridge.url).port;
    const rebinding = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => resolve(res.statusCode ?? 0));
        req.on('error', reject);
        req.end();
      });
    });
    expect(rebinding).toBe(421);
    const events = await fetch(`${bridge.url}__loctelli/events`);
    expect(events.status).toBe(403);
    const text = await (await rpc('settings.get', [], { 'content-type': 'text/plain' })).json();
    expect(text.error.code).toBe('invalid_payload');
  });

  it('the served client defines window.loctelli with the preload\'s methods, and receives pushes', async () => {
    const api = loadClient(bridge, bridge.token);
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

    // With a wrong token the same client gets typed refusals.
    const stranger = loadClient(bridge, 'wrong');
    await expect(stranger.settings.get()).rejects.toMatchObject({ code: 'forbidden_sender' });
  });
});

describe('npm run dev:browser (CLI)', () => {
  it('prints its URL, honours --port and LOCTELLI_USER_DATA, and stops cleanly', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'loctelli-cli-'));
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', String(port), '--no-local-server', '--renderer', fakeRenderer()], {
      env: { ...process.env, LOCTELLI_USER_DATA: userData },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (c) => {
        out += c;
        const m = /LOCTELLI_BRIDGE_URL=(\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    expect(out).toContain(`user data: ${userData}`);
    const html = await (await fetch(url)).text();
    const token = /loctelli-bridge-token" content="([^"]+)"/.exec(html)![1];
    const res = await fetch(`${url}__loctelli/rpc/profiles.list`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token }, body: '{"args":[]}' });
    expect(await res.json()).toMatchObject({ ok: true, value: { activeId: 'local' } });
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 60_000);
});
