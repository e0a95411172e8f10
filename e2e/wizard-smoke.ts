/**
 * A real-stack walk through the setup wizard in Chromium (CSP enforced, real server on PGlite):
 * client-side validation at the field, then the connection test's answer, with screenshots.
 *   LOCTELLI_BRIDGE_URL='http://127.0.0.1:5190/?bootstrap=…' npx tsx e2e/wizard-smoke.ts
 * (the one-time link `npm run dev:browser` printed, or a new one from pressing Enter in its terminal).
 */
import { mkdirSync } from 'node:fs';
import { launch, openBridge, setTheme, watchProblems } from './support/browser';

const oneTimeUrl = process.env.LOCTELLI_BRIDGE_URL;
if (!oneTimeUrl) throw new Error("Set LOCTELLI_BRIDGE_URL to the one-time link dev:browser printed (…/?bootstrap=…)");
const out = 'test-results/screenshots';
mkdirSync(out, { recursive: true });

const browser = await launch();
const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
const problems = watchProblems(page);
await openBridge(page, oneTimeUrl);
await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 60_000 });
await setTheme(page, (process.env.THEME as 'light' | 'dark') ?? 'light');
await page.getByRole('button', { name: 'Setup Integration' }).nth(1).click();
await page.getByRole('button', { name: /start/i }).click();
await page.getByLabel(/^API Key/).fill('short');
await page.getByLabel(/^Location ID/).fill('bad id');
await page.getByRole('button', { name: /next: test/i }).click();
await page.getByText(/at least 10 characters/).waitFor({ timeout: 10_000 });
await page.screenshot({ path: `${out}/wizard-config-errors.png` });
await page.getByLabel(/^API Key/).fill('pit-0123456789abcdef');
await page.getByLabel(/^Location ID/).fill('LocAbc12345');
await page.getByRole('button', { name: /next: test/i }).click();
await page.getByText(/Connection works|The connection test failed|The test could not run/).first().waitFor({ timeout: 60_000 });
await page.screenshot({ path: `${out}/wizard-test-result.png` });
await page.getByRole('link', { name: 'Drafts' }).click();
await page.waitForTimeout(800);
await page.screenshot({ path: `${out}/drafts-after-wizard.png` });
await page.keyboard.press('Control+k');
await page.getByRole('combobox', { name: /command/i }).fill('dash');
await page.waitForTimeout(200);
await page.screenshot({ path: `${out}/command-palette.png` });
console.log(problems.length ? problems.join('\n') : 'no console errors');
await browser.close();
