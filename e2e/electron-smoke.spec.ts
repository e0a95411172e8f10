/**
 * Smoke test of the real Electron app (Playwright's `_electron`): the window opens on the app's own
 * origin, the CSP is present and enforced, navigation and new windows are blocked, the preload's
 * `window.loctelli` works, and IPC from a frame that is not the console's page is refused.
 *
 *   npm run test:electron        (builds first; runs with node's test runner)
 *
 * It needs Electron's binary (`npm run test:electron` downloads it first when it can) and a display. Where either is
 * missing — as on machines that cannot reach Electron's download host — the test is skipped with a message saying why.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { displayMissing, electronPackageDir, findElectronBinary } from '../scripts/electron-binary';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable, found as `npm start` finds it (scripts/electron-binary.ts), and a display to show it on. */
function electronExecutable(): { path: string } | { missing: string } {
  const binary = findElectronBinary(electronPackageDir(root));
  if (!binary.ok) return { missing: `${binary.reason} (npm install does not download it; \`npm run test:electron\` tries, and needs access to Electron's download host)` };
  const noDisplay = displayMissing();
  if (noDisplay) return { missing: `${noDisplay}: run under a display server (e.g. \`xvfb-run -a npm run test:electron\`)` };
  return { path: binary.path };
}

const found = electronExecutable();
const mainEntry = join(root, 'out', 'main', 'index.js');
const skip = 'missing' in found ? `Skipped: ${found.missing}.` : !existsSync(mainEntry) ? 'Skipped: the app is not built (npm run build).' : false;
if (skip) console.log(skip);

test('Electron shell: window, CSP, navigation lock, IPC sender check', { skip, timeout: 120_000 }, async () => {
  const { _electron } = await import('playwright-core');
  const userData = mkdtempSync(join(tmpdir(), 'loctelli-electron-'));
  const app = await _electron.launch({
    executablePath: (found as { path: string }).path,
    args: [mainEntry, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
    env: { ...process.env, LOCTELLI_USER_DATA: userData, NODE_ENV: 'production' },
    cwd: root,
  });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');

    // The window is the console, from its own scheme (not file://), with the preload's API only.
    assert.match(page.url(), /^app:\/\/console\//);
    assert.equal(await page.title(), 'Loctelli Integrations');
    assert.equal(await page.evaluate(() => typeof (globalThis as any).require), 'undefined');
    assert.equal(await page.evaluate(() => typeof (globalThis as any).process), 'undefined');
    const session = await page.evaluate(() => (globalThis as any).loctelli.auth.getSession());
    assert.equal(session.profile.id, 'local');
    assert.equal(await page.evaluate(() => typeof (globalThis as any).loctelli.invoke), 'undefined');

    // CSP: sent with the page, and enforced (an inline script does not run).
    const csp = await page.evaluate(async () => (await fetch((globalThis as any).location.href)).headers.get('content-security-policy'));
    assert.match(String(csp), /default-src 'self'/);
    assert.doesNotMatch(String(csp), /unsafe-eval/);
    const inlineRan = await page.evaluate(async () => {
      const doc = (globalThis as any).document;
      const s = doc.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      doc.head.append(s);
      await new Promise((r) => setTimeout(r, 50));
      return (globalThis as any).__inlineRan === true;
    });
    assert.equal(inlineRan, false);

    // Navigation away and new windows are refused.
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as any).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    assert.equal(page.url(), before);
    const opened = await page.evaluate(() => (globalThis as any).open('https://example.com/') === null);
    assert.equal(opened, true);
    assert.equal(app.windows().length, 1);

    // IPC from a page that is not the console (same preload, foreign origin) is refused by the sender check.
    const preload = join(root, 'out', 'preload', 'preload.cjs');
    await app.evaluate(async ({ BrowserWindow }, preloadPath) => {
      const w = new BrowserWindow({ show: false, webPreferences: { preload: preloadPath, sandbox: true, contextIsolation: true } });
      await w.loadURL('data:text/html,<title>foreign</title><h1>not the console</h1>');
    }, preload);
    const foreign = app.windows().find((w) => w !== page)!;
    await foreign.waitForLoadState('domcontentloaded');
    const refusal = await foreign.evaluate(() => (globalThis as any).loctelli.settings.get().then(() => 'allowed', (e: { code: string }) => e.code));
    assert.equal(refusal, 'forbidden_sender');
  } finally {
    await app.close();
  }
});
