/**
 * Vitest globalSetup of the `e2e` project: the whole console as a person meets it, on loopback only.
 *
 * - the three provider fakes (GoHighLevel, Facebook Graph, Google token + Analytics Data API);
 * - the renderer build (`electron-vite build` → out/renderer);
 * - `dev:browser` (electron/dev-browser/cli.ts) in a child process with a temporary user-data folder,
 *   its Local workspace (embedded server on PGlite) pointed at the fakes through the environment;
 * - a second integrations API ("remote team server", PGlite) for the remote-profile scenarios
 *   (sign-in screen, an admin limited to one subaccount, offline drafting).
 *
 * Shares what the tests need through `provide` (read with `inject`) and tears everything down.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logging';
import { startServer, type RunningServer } from '../../server/start';
import { startFakeGhl, type FakeGhl } from '../../server/providers/gohighlevel/fake';
import { startFakeGraph, type FakeGraph } from '../../server/providers/facebook-ads/fake/fake-graph';
import { startFakeGoogle, type FakeGoogle } from '../../server/providers/google-analytics/fake/fake-google';
import { createTestServiceAccount } from '../../server/providers/google-analytics/fake/service-account-keys';
import { GA_NO_ACCESS_PROPERTY_ID, GA_PROPERTY_ID, REMOTE_ADMIN } from './constants';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The console served by dev:browser, e.g. http://127.0.0.1:41234/ */
    bridgeUrl: string;
    /**
     * The bridge session this setup got by opening dev:browser's one-time link (the setup launched it and
     * read its terminal, as a person would): each scenario's fresh browser context starts with it.
     */
    bridgeCookie: { name: string; value: string };
    /** The remote team server (origin, without /api) and its super_admin. */
    remoteUrl: string;
    /** The Google service account key file a person would paste. */
    gaKeyFile: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  const started = Date.now();
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const teardown = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch((err) => console.error('e2e teardown:', err));
  };
  try {
    mkdirSync(join(ROOT, 'test-results/screenshots'), { recursive: true });

    // 1. Provider fakes.
    const ghl: FakeGhl = await startFakeGhl();
    cleanups.push(() => ghl.close());
    const graph: FakeGraph = await startFakeGraph({ campaignCount: 12 });
    cleanups.push(() => graph.close());
    const google: FakeGoogle = await startFakeGoogle();
    cleanups.push(() => google.close());
    const account = createTestServiceAccount();
    google.registerServiceAccount(account.email, account.publicKey);
    google.addProperty(GA_PROPERTY_ID, { days: 60 });
    google.grantAccess(GA_PROPERTY_ID, account.email);
    google.addProperty(GA_NO_ACCESS_PROPERTY_ID, { days: 10 });
    const providerEnv = {
      GHL_API_BASE_URL: ghl.url,
      FACEBOOK_GRAPH_BASE_URL: graph.url,
      GOOGLE_ANALYTICS_DATA_BASE_URL: google.dataBaseUrl,
      GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
    };
    // The remote server below runs in this process and reads them from here.
    Object.assign(process.env, providerEnv);

    // 2. The renderer build (electron-vite builds main, preload and renderer in a few seconds).
    const build = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);

    // 3. A remote team server on PGlite with a known super_admin.
    const remoteDir = mkdtempSync(join(tmpdir(), 'loctelli-e2e-remote-'));
    cleanups.push(() => rmSync(remoteDir, { recursive: true, force: true }));
    const remote: RunningServer = await startServer(
      { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir: remoteDir, adminEmail: REMOTE_ADMIN.email, adminPassword: REMOTE_ADMIN.password, adminName: 'Remote Super', logLevel: 'warn' },
      { logger: createLogger({ level: 'warn' }) },
    );
    cleanups.push(() => remote.close());

    // 4. The console through dev:browser, on a fresh user-data folder.
    const userData = mkdtempSync(join(tmpdir(), 'loctelli-e2e-console-'));
    cleanups.push(() => rmSync(userData, { recursive: true, force: true }));
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'electron/dev-browser/cli.ts', '--port', '0', '--user-data', userData], {
      cwd: ROOT,
      env: { ...process.env, ...providerEnv, LOCTELLI_USER_DATA: userData, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => stopChild(child));
    const { bridgeUrl, bridgeCookie } = await openBridgeSession(await bridgeUrlOf(child));

    project.provide('bridgeUrl', bridgeUrl);
    project.provide('bridgeCookie', bridgeCookie);
    project.provide('remoteUrl', remote.url);
    project.provide('gaKeyFile', account.keyFile);
    console.log(`e2e: console at ${bridgeUrl}, remote server at ${remote.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}

function bridgeUrlOf(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`dev:browser did not print LOCTELLI_BRIDGE_URL within 60 s:\n${out}\n${err}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /LOCTELLI_BRIDGE_URL=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    // Keep draining stderr (warnings) so the child never blocks on a full pipe; show it when it fails.
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (err.length > 20_000) err = err.slice(-10_000);
      if (process.env.E2E_DEBUG) process.stderr.write(`[dev:browser] ${d}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev:browser exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Opens the one-time link once, as a browser would: the session cookie it sets, and the console's clean URL. */
async function openBridgeSession(oneTimeUrl: string) {
  const res = await fetch(oneTimeUrl, { redirect: 'manual' });
  const [pair] = (res.headers.get('set-cookie') ?? '').split(';');
  const at = pair.indexOf('=');
  if (res.status !== 303 || at < 1) throw new Error(`dev:browser's one-time link answered ${res.status} without a session cookie`);
  return { bridgeUrl: `${new URL(oneTimeUrl).origin}/`, bridgeCookie: { name: pair.slice(0, at), value: pair.slice(at + 1) } };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
