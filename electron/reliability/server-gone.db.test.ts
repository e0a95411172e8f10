/**
 * The console's server going away mid-session, and the console restarted while it is gone. A remote profile
 * points at the real API (createTestServer, on PGlite or PostgreSQL) through a TCP gate; everything goes
 * through the IPC dispatcher the renderer uses.
 *
 * 1. Online: sign in, read every list the offline cache covers, create integrations, keep a draft with a
 *    typed secret.
 * 2. The network goes away (the gate stops listening: connections are refused). Reads are answered from the
 *    cache (`stale: true`, the `fetchedAt` of the copy), connectivity is reported offline, the draft and its
 *    secret are intact; the console notices by itself when the network is back.
 * 3. The server process goes away (its listener is closed; the relay in front resets every connection).
 *    Same answers. Then the console is restarted twice while the server is still gone (once with the
 *    relay resetting, once refusing): each new core starts without throwing or hanging, shows the cached
 *    data (stale) and the draft with its secret, and keeps the stored refresh token.
 * 4. The server comes back: the console notices by itself, the next reads are fresh, no sign-in was needed
 *    (one refresh with the stored token), and the draft submits with its secret intact.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { ProviderError } from '../../server/providers/errors';
import { HandlerRegistry, type IntegrationHandler } from '../../server/providers/registry';
import type { Integration } from '../../shared/api/integrations';
import type { EventName } from '../../shared/ipc/contract';
import { SECRET_PLACEHOLDER } from '../../shared/secret-fields';
import { createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, SUPER, type TestServer } from '../../test-support/server';
import { createNodeHost, type NodeHost } from '../node-host';
import { TcpGate } from '../services/test-fixtures/tcp-gate';

const REQUEST_MS = 3_000;
const STALE_FALLBACK_MS = 1_000;
const STORED_SECRET = 'pit-stored-secret-0000000001';
const DRAFT_SECRET = 'pit-draft-secret-kept-offline-42';

/** GoHighLevel without the upstream: a test passes only with the exact key the draft was given. */
const ghl: IntegrationHandler = {
  templateName: 'GoHighLevel',
  validateConfig: () => [],
  testConnection: async (config) =>
    config.apiKey === DRAFT_SECRET || config.apiKey === STORED_SECRET
      ? { ok: true, message: 'Reached location Alpha', details: {}, status: 'active' }
      : { ok: false, message: 'GoHighLevel rejected the API key', details: {}, status: 'disconnected' },
  syncData: async () => {
    throw new ProviderError({ origin: 'provider', type: 'unavailable', message: 'not used here', retryable: false });
  },
};

let server: TestServer;
/** The API as it is listening now (the original, or the one started after the outage). */
let app: FastifyInstance;
let serverPort: number;
let gate: TcpGate;
let userData: string;
let sub: { alpha: number; beta: number };
let tpl: Record<string, number>;

let host: NodeHost;
const events: Array<{ event: EventName; payload: any }> = [];
const internalErrors: string[] = [];

function startHost(probeIntervalMs: number): NodeHost {
  const h = createNodeHost({
    userDataDir: userData,
    probeIntervalMs,
    syncPollMs: 100,
    // A server that does not answer costs a request this long; a read with a cached copy waits at most
    // staleFallbackMs for a server the console has not heard from since it started.
    timeouts: { requestMs: REQUEST_MS, testMs: REQUEST_MS, staleFallbackMs: STALE_FALLBACK_MS },
    startServer: () => Promise.reject(new Error('the Local workspace is not used in this test')),
    dispatcher: { validateResults: true, onInternalError: (m, e) => internalErrors.push(`${m}: ${String(e)}`) },
  });
  h.core.onEvent((event, payload) => events.push({ event, payload }));
  return h;
}

/** An IPC call as the renderer makes it; every call must answer within 5 s, whatever the network does. */
async function call(method: string, ...args: unknown[]): Promise<any> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    host.dispatch(method, args, { trusted: true }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method} did not answer within 5 s`)), 5_000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!r.ok) throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.message}`), r.error);
  return r.value;
}

async function waitFor(pred: () => boolean, what: string, ms = 10_000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the screens read: the catalog, the subaccounts, the integration lists and detail, the dashboard's summaries. */
const READS: Array<[string, ...unknown[]]> = [];

async function readAll(): Promise<Record<string, any>> {
  const out: Record<string, any> = {};
  for (const [method, ...args] of READS) out[`${method} ${JSON.stringify(args)}`] = await call(method, ...args);
  return out;
}

/** The same reads answered from the cache: identical data and fetchedAt, marked stale. */
async function expectStaleCopies(online: Record<string, any>) {
  const now = await readAll();
  for (const [k, v] of Object.entries(online)) expect(now[k], k).toEqual({ ...v, stale: true });
}

/** Reads as a person keeps looking: stale while the server is away, then fresh soon after it is back. */
async function readUntilFresh(what: string, ms = 8_000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await call('templates.list');
    if (!r.stale) return;
    if (Date.now() > end) throw new Error(`still stale: ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function closeServer() {
  await app.close();
}

async function restartServer() {
  app = await buildApp({ ctx: server.ctx, jwtSecret: server.jwtSecret, logger: pino({ level: 'silent' }) });
  await app.listen({ host: '127.0.0.1', port: serverPort });
}

async function restartConsole(): Promise<number> {
  const started = Date.now();
  await host.core.stop();
  events.length = 0;
  // The restarted console finds out by itself (its background probe) when the server is back.
  host = startHost(100);
  return Date.now() - started;
}

beforeAll(async () => {
  server = await createTestServer({ handlers: new HandlerRegistry().register(ghl) });
  app = server.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  serverPort = (app.server.address() as AddressInfo).port;
  gate = await new TcpGate({ host: '127.0.0.1', port: serverPort }).open();
  const token = (await server.login()).access_token;
  sub = { alpha: await createSubAccount(server, token, 'Alpha Dental'), beta: await createSubAccount(server, token, 'Beta Roofing') };
  tpl = await templateIds(server, token);
  userData = mkdtempSync(join(tmpdir(), 'loctelli-server-gone-'));
  // Mid-session, the background probe is too slow to matter: the console must notice through its reads.
  host = startHost(60_000);
}, 120_000);

afterAll(async () => {
  await host?.core.stop();
  await gate?.cut();
  if (app !== server?.app) await app?.close();
  await server?.close();
}, 120_000);

describe('the server goes away', () => {
  let profileId: string;
  let online: Record<string, any>;
  let draftId: string;
  let refreshToken: string;

  it('online: signs in, reads the lists, creates integrations and keeps a draft with a secret', async () => {
    const profile = await call('profiles.add', { name: 'Team server', baseUrl: `${gate.url}/api` });
    profileId = profile.id;
    await call('profiles.switch', profileId);
    expect(await call('auth.signIn', { email: SUPER.email, password: SUPER.password })).toMatchObject({ state: 'signed_in', connectivity: { online: true } });
    const a: Integration = await call('integrations.create', { subAccountId: sub.alpha, integrationTemplateId: tpl.GoHighLevel, name: 'Alpha GHL', config: { apiKey: STORED_SECRET, locationId: 'locAlpha01' } });
    await call('integrations.create', { subAccountId: sub.beta, integrationTemplateId: tpl.GoHighLevel, name: 'Beta GHL', config: { apiKey: STORED_SECRET, locationId: 'locBeta001' } });
    READS.push(
      ['templates.list'],
      ['templates.get', tpl.GoHighLevel],
      ['subaccounts.list'],
      ['integrations.list'],
      ['integrations.list', { subAccountId: sub.alpha }],
      ['integrations.get', a.id],
      ['integrations.summary', { groupBy: 'subAccount' }],
      ['integrations.summary', { subAccountId: sub.alpha }],
      ['integrations.summary', { groupBy: 'template' }],
      ['metrics.get', {}],
      ['audit.list', { limit: 15 }],
    );
    online = await readAll();
    for (const [k, v] of Object.entries(online)) expect(v.stale, k).toBe(false);
    expect(online['integrations.list []'].data.items).toHaveLength(2);

    const draft = await call('drafts.save', { kind: 'create', subAccountId: sub.alpha, integrationTemplateId: tpl.GoHighLevel, name: 'Drafted GHL', description: null, config: { apiKey: DRAFT_SECRET, locationId: 'locDraft01' } });
    draftId = draft.id;
    expect(draft).toMatchObject({ draftSecrets: ['apiKey'], lostSecrets: [], config: { apiKey: SECRET_PLACEHOLDER }, validation: { valid: true } });
    // The newest copies (saving the draft read its template again).
    online = await readAll();
    refreshToken = host.core.vault.get(`refresh:${profileId}`)!;
    expect(refreshToken).toBeTruthy();
  });

  it('network cut: reads come from the cache marked stale, offline is reported, the draft and its secret are intact', async () => {
    events.length = 0;
    await gate.cut();
    await expectStaleCopies(online);
    // A filter never read online is answered from the cached integrations.
    const beta = await call('integrations.list', { subAccountId: sub.beta });
    expect(beta).toMatchObject({ stale: true, data: { items: [{ name: 'Beta GHL' }] } });
    // What was never read fails with a typed offline error, not an internal one.
    await expect(call('metrics.get', { subAccountId: sub.beta })).rejects.toMatchObject({ code: 'offline' });
    await expect(call('audit.list', { limit: 3 })).rejects.toMatchObject({ code: 'offline' });
    expect(events.find((e) => e.event === 'connectivity.changed')?.payload).toMatchObject({ profileId, online: false, reason: expect.stringMatching(/cannot be reached/) });
    expect(await call('auth.getSession')).toMatchObject({ state: 'signed_in', admin: { email: SUPER.email }, connectivity: { online: false } });
    expect(await call('drafts.get', draftId)).toMatchObject({ draftSecrets: ['apiKey'], lostSecrets: [], validation: { valid: true } });
    await expect(call('drafts.submit', draftId)).rejects.toMatchObject({ code: 'offline' });
    expect((await call('drafts.list')).map((d: { id: string }) => d.id)).toEqual([draftId]);

    events.length = 0;
    await gate.restore();
    const t0 = Date.now();
    await readUntilFresh('after the network came back');
    expect(Date.now() - t0, 'noticed through reads, long before the 60 s probe timer').toBeLessThan(5_000);
    expect(events.some((e) => e.event === 'connectivity.changed' && e.payload.online === true)).toBe(true);
    online = await readAll();
    for (const [k, v] of Object.entries(online)) expect(v.stale, k).toBe(false);
  });

  it('server not answering (no reset, no refusal): one request times out, then the cache answers at once', async () => {
    events.length = 0;
    await gate.silence();
    const t0 = Date.now();
    // The console believed the server was up: the first read waits for its timeout.
    expect(await call('templates.list')).toEqual({ ...online['templates.list []'], stale: true });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(REQUEST_MS - 500);
    expect(events.find((e) => e.event === 'connectivity.changed')?.payload).toMatchObject({ online: false, reason: expect.stringMatching(/did not answer in time/) });
    // Now it knows: every screen, the drafts included, answers from the cache without waiting.
    const t1 = Date.now();
    await expectStaleCopies(online);
    expect(await call('drafts.list')).toMatchObject([{ id: draftId, draftSecrets: ['apiKey'], validation: { valid: true } }]);
    expect(await call('drafts.save', { id: draftId, kind: 'create', subAccountId: sub.alpha, integrationTemplateId: tpl.GoHighLevel, name: 'Drafted GHL', description: null, config: { apiKey: SECRET_PLACEHOLDER, locationId: 'locDraft01' } })).toMatchObject({ draftSecrets: ['apiKey'] });
    expect(Date.now() - t1, 'reads while known offline').toBeLessThan(1_500);

    events.length = 0;
    await gate.restore();
    await readUntilFresh('after the server answered again');
    expect(events.some((e) => e.event === 'connectivity.changed' && e.payload.online === true)).toBe(true);
    online = await readAll();
    for (const [k, v] of Object.entries(online)) expect(v.stale, k).toBe(false);
  });

  it('server process gone: the same answers from the cache', async () => {
    events.length = 0;
    await closeServer();
    await expectStaleCopies(online);
    expect(events.some((e) => e.event === 'connectivity.changed' && e.payload.online === false)).toBe(true);
    expect(await call('drafts.get', draftId)).toMatchObject({ draftSecrets: ['apiKey'], validation: { valid: true } });
  });

  it('the console restarted while the server is gone (connections reset, not answered, refused) starts, shows the cache and the draft, keeps its credentials', async () => {
    for (const mode of ['reset', 'no answer', 'refused'] as const) {
      if (mode === 'no answer') await gate.silence();
      if (mode === 'refused') await gate.cut();
      const stopAndStart = await restartConsole();
      expect(stopAndStart, `${mode}: dispose and create`).toBeLessThan(3_000);

      const t0 = Date.now();
      const session = await call('auth.getSession');
      expect(session, mode).toMatchObject({ profile: { id: profileId, kind: 'remote' }, state: 'signed_in', admin: { email: SUPER.email }, error: null });
      await expectStaleCopies(online);
      const drafts = await call('drafts.list');
      expect(drafts, mode).toMatchObject([{ id: draftId, name: 'Drafted GHL', draftSecrets: ['apiKey'], lostSecrets: [], config: { apiKey: SECRET_PLACEHOLDER, locationId: 'locDraft01' }, validation: { checked: true, valid: true } }]);
      // The draft can be edited offline after the restart, keeping its typed secret.
      const edited = await call('drafts.save', { id: draftId, kind: 'create', subAccountId: sub.alpha, integrationTemplateId: tpl.GoHighLevel, name: 'Drafted GHL', description: `edited offline (${mode})`, config: { apiKey: SECRET_PLACEHOLDER, locationId: 'locDraft01' } });
      expect(edited).toMatchObject({ draftSecrets: ['apiKey'], lostSecrets: [], validation: { valid: true } });
      // Not one request timeout per screen: at most one short wait for a server not heard from yet.
      expect(Date.now() - t0, `${mode}: first screens`).toBeLessThan(STALE_FALLBACK_MS + 1_500);

      const s = await call('auth.getSession');
      expect(s.connectivity, mode).toMatchObject({ online: false, reason: expect.stringMatching(/cannot be reached|not answering|did not answer/) });
      expect(events.some((e) => e.event === 'connectivity.changed' && e.payload.online === false), mode).toBe(true);
      expect(events.some((e) => e.event === 'session.signedOut'), mode).toBe(false);
      expect(host.core.vault.get(`refresh:${profileId}`), mode).toBe(refreshToken);
      expect(host.core.runtime(profileId).client.stats.logins).toBe(0);
    }
    expect(internalErrors).toEqual([]);
  });

  it('the server comes back: the console recovers by itself, without signing in again', async () => {
    events.length = 0;
    await restartServer();
    await gate.restore();
    // The console was restarted while the server did not answer: its first refresh may still be waiting.
    await waitFor(() => events.some((e) => e.event === 'connectivity.changed' && e.payload.online === true), 'the console to notice the server is back');
    const now = await readAll();
    for (const [k, v] of Object.entries(now)) {
      expect(v.stale, k).toBe(false);
      expect(Date.parse(v.fetchedAt)).toBeGreaterThan(Date.parse(online[k].fetchedAt));
    }
    const client = host.core.runtime(profileId).client;
    expect(client.stats).toMatchObject({ logins: 0, refreshes: 1 });
    expect(await call('auth.getSession')).toMatchObject({ state: 'signed_in', connectivity: { online: true, reason: null } });
    expect(host.core.vault.get(`refresh:${profileId}`)).not.toBe(refreshToken);

    // The draft kept offline and across restarts submits with the secret it was given.
    const saved: Integration = await call('drafts.submit', draftId);
    expect(saved).toMatchObject({ name: 'Drafted GHL', description: 'edited offline (refused)', secretFieldsSet: ['apiKey'], config: { apiKey: SECRET_PLACEHOLDER } });
    expect(await call('integrations.test', saved.id)).toMatchObject({ ok: true });
    expect(await call('drafts.list')).toEqual([]);
    expect(events.some((e) => e.event === 'session.signedOut')).toBe(false);
    expect(internalErrors).toEqual([]);
  });

  it('signing out while the server is gone: cached data is no longer shown', async () => {
    await gate.cut();
    expect((await call('templates.list')).stale).toBe(true);
    expect(await call('auth.signOut')).toMatchObject({ state: 'signed_out', admin: null });
    for (const [method, ...args] of READS) await expect(call(method, ...args), method).rejects.toMatchObject({ code: 'signed_out' });
    expect(host.core.vault.get(`refresh:${profileId}`)).toBeUndefined();
    await gate.restore();
  });

  it('no typed secret or token is in the user-data folder in clear', () => {
    const files = (readdirSync(userData, { recursive: true }) as string[]).filter((f) => statSync(join(userData, f)).isFile());
    expect(files.some((f) => f.includes('cache'))).toBe(true);
    for (const f of files) {
      const text = readFileSync(join(userData, f), 'latin1');
      for (const secret of [DRAFT_SECRET, STORED_SECRET, refreshToken, SUPER.password]) expect(text.includes(secret), `${f}`).toBe(false);
    }
  });
});
