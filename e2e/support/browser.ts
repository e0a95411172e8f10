/**
 * Debian Chromium through playwright-core, headless, with no background traffic, for the console served
 * by `npm run dev:browser`.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Signs a page in to the dev:browser bridge with the one-time link it printed
 * (`LOCTELLI_BRIDGE_URL=http://127.0.0.1:PORT/?bootstrap=…`) and returns the console's clean URL, to which
 * screens' fragments are appended (`${url}#/catalog`).
 */
export async function openBridge(page: Page, oneTimeUrl: string): Promise<string> {
  const url = new URL(oneTimeUrl);
  if (!url.searchParams.has('bootstrap')) throw new Error(`${oneTimeUrl} is not the one-time link dev:browser printed (LOCTELLI_BRIDGE_URL=…?bootstrap=…)`);
  const res = await page.goto(oneTimeUrl);
  if (!res?.ok()) throw new Error(`The one-time link was refused (${res?.status()}): it works once; press Enter in dev:browser's terminal for another`);
  return `${url.origin}/`;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Collects console errors and CSP violations so a test can assert the page ran cleanly. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

export async function setTheme(page: Page, theme: 'light' | 'dark' | 'system') {
  await page.evaluate(`window.loctelli.settings.set({ theme: ${JSON.stringify(theme)} })`);
  await page.reload();
}
