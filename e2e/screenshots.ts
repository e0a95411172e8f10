/**
 * Screenshots of every main screen in light and dark theme, into test-results/screenshots/.
 *   LOCTELLI_BRIDGE_URL='http://127.0.0.1:5190/?bootstrap=…' npx tsx e2e/screenshots.ts
 * (the console must be running: `npm run dev:browser -- --port 5190`; the one-time link is the one it
 * printed, or a new one from pressing Enter in its terminal).
 */
import { mkdirSync } from 'node:fs';
import { launch, openBridge, setTheme, watchProblems } from './support/browser';

const oneTimeUrl = process.env.LOCTELLI_BRIDGE_URL;
if (!oneTimeUrl) throw new Error('Set LOCTELLI_BRIDGE_URL to the one-time link dev:browser printed (…/?bootstrap=…)');
const out = 'test-results/screenshots';
mkdirSync(out, { recursive: true });

const screens: [string, string][] = [
  ['catalog', '#/catalog'],
  ['integrations', '#/integrations'],
  ['dashboard', '#/dashboard'],
  ['drafts', '#/drafts'],
  ['templates', '#/templates'],
  ['template-editor', '#/templates/new'],
  ['audit', '#/audit'],
  ['settings', '#/settings'],
  ['wizard-overview', '#/setup/1'],
];

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
const problems = watchProblems(page);
const url = await openBridge(page, oneTimeUrl);
await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 60_000 });
for (const theme of ['light', 'dark'] as const) {
  await setTheme(page, theme);
  for (const [name, hash] of screens) {
    await page.goto(url + hash);
    await page.waitForTimeout(700);
    await page.screenshot({ path: `${out}/${name}-${theme}.png` });
  }
  const extra = (process.env.EXTRA_SCREENS ?? '').split(',').filter(Boolean);
  for (const hash of extra) {
    await page.goto(url + hash);
    await page.waitForTimeout(900);
    await page.screenshot({ path: `${out}/${hash.replace(/[^a-z0-9]+/gi, '_')}-${theme}.png` });
  }
}
console.log(problems.length ? problems.join('\n') : 'no console errors');
await browser.close();
